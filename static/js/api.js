// The BFF's JSON API as the UI sees it: credentials always included, the CSRF
// header on every write, problem+json errors turned into ApiError.

import { jsonText } from "./json-maps.js";
import { t } from "./messages.js";

/** An error answer of the BFF (problem+json), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, body = {}) {
    super(body.detail || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || (status === 0 ? "network" : "error");
    this.body = body;
  }

  /** A sentence for the user: ours for codes we know, else the server's detail. */
  get userMessage() {
    switch (this.code) {
      case "network":
        return t("error.network");
      case "rate_limited":
        return t("error.rate_limited", { seconds: this.body.retry_after ?? 5 });
      case "tenant_unavailable":
        return t("error.tenant_unavailable");
      case "write_outcome_unknown":
        return t("error.write_outcome_unknown");
      default:
        return this.body.detail || t("error.generic", { status: this.status });
    }
  }
}

/** Thrown (and also signalled through `onLoginRequired`) when the session is gone. */
export class LoginRequired extends ApiError {}

export class Api {
  /**
   * `base`: the BFF's base URL or path ("" at the root of its own site,
   * "/account" when mounted, "https://account.example.com" from another page).
   * `onLoginRequired(error)` is called on every 401 `login_required`.
   */
  constructor(base, { onLoginRequired = () => {} } = {}) {
    this.base = base.replace(/\/$/, "");
    this.onLoginRequired = onLoginRequired;
    this.csrfHeader = "X-CSRF";
  }

  url(path) {
    return this.base + path;
  }

  get(path, headers = {}) {
    return this.request("GET", path, undefined, headers);
  }

  /** `body` is sent as JSON; a Map in it becomes a JSON object (see json-maps.js). */
  send(method, path, body, headers = {}) {
    return this.request(method, path, body, headers);
  }

  /** Resolves to {status, data, etag}; rejects with ApiError. */
  async request(method, path, body, headers = {}) {
    const init = {
      method,
      credentials: "include",
      headers: { Accept: "application/json", ...headers },
      cache: "no-store",
    };
    if (method !== "GET" && method !== "HEAD") init.headers[this.csrfHeader] = "1";
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = jsonText(body);
    }
    let response;
    try {
      response = await fetch(this.url(path), init);
    } catch (cause) {
      throw new ApiError(0, { detail: String(cause) });
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = { detail: text.slice(0, 200) };
      }
    }
    if (!response.ok) {
      const problem = data && typeof data === "object" ? data : {};
      if (!problem.code && problem.error) problem.code = problem.error;
      // A stale sign-in for a sensitive change is not a lost session (step-up.js).
      if (response.status === 401 && problem.code !== "reauthentication_required") {
        const error = new LoginRequired(401, { code: "login_required", ...problem });
        this.onLoginRequired(error);
        throw error;
      }
      throw new ApiError(response.status, problem);
    }
    return { status: response.status, data, etag: response.headers.get("ETag") };
  }
}

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
      case "unexpected_response":
        return t("error.unexpected", { status: this.status });
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
    this.prefetched = new Map();
  }

  url(path) {
    return this.base + path;
  }

  get(path, headers = {}) {
    const early = Object.keys(headers).length ? undefined : this.prefetched.get(path);
    if (early) {
      this.prefetched.delete(path);
      return early.catch((error) => {
        if (error instanceof LoginRequired) this.onLoginRequired(error);
        throw error;
      });
    }
    return this.request("GET", path, undefined, headers);
  }

  /** `body` is sent as JSON; a Map in it becomes a JSON object (see json-maps.js). */
  send(method, path, body, headers = {}) {
    return this.request(method, path, body, headers);
  }

  /**
   * Start GET `path` now, for a later get(path) to take (once): the app asks for the
   * first view's data while it asks who is signed in, so both load in parallel.
   * A 401 of a prefetch reaches onLoginRequired only when get() takes it.
   */
  prefetch(path) {
    if (this.prefetched.has(path)) return;
    const pending = this.request("GET", path, undefined, {}, { quiet: true });
    pending.catch(() => {}); // handled when taken; never an unhandled rejection
    this.prefetched.set(path, pending);
  }

  /** Drop prefetches nobody will take (e.g. the session turned out to be signed out). */
  forgetPrefetched() {
    this.prefetched.clear();
  }

  /**
   * Resolves to {status, data, etag}; rejects with ApiError. `quiet`: a 401 does not
   * call onLoginRequired (for prefetches, and for probes that expect to be signed out).
   */
  async request(method, path, body, headers = {}, { quiet = false } = {}) {
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
    const isJson = /[/+]json\b/.test(response.headers.get("Content-Type") || "");
    let data = null;
    if (text && isJson) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!response.ok) {
      // An error page (HTML from a proxy, or a crash) is not shown as source: the
      // user gets a sentence of ours and a way on (ApiError.userMessage).
      const problem = data && typeof data === "object" ? data : { code: "unexpected_response" };
      if (!problem.code && problem.error) problem.code = problem.error;
      // A stale sign-in for a sensitive change is not a lost session (step-up.js).
      if (response.status === 401 && problem.code !== "reauthentication_required") {
        const error = new LoginRequired(401, { code: "login_required", ...problem });
        if (!quiet) this.onLoginRequired(error);
        throw error;
      }
      throw new ApiError(response.status, problem);
    }
    if (text && data === null) throw new ApiError(response.status, { code: "unexpected_response" });
    return { status: response.status, data, etag: response.headers.get("ETag") };
  }
}

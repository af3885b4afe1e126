// The iframe page: the account UI, plus messages to the parent window (its
// height and the events signed-in, saved, signed-out, view). Messages go only
// to a parent whose origin is one of EMBED_ALLOWED_ORIGINS, named as the
// postMessage target so that nobody else can read them.

import "./selfserve-account.js";

const element = document.querySelector("selfserve-account");
const allowed = (element.dataset.allowedOrigins || "").split(/\s+/).filter(Boolean);

function parentOrigin() {
  if (window.parent === window) return null;
  const candidates = [];
  if (location.ancestorOrigins && location.ancestorOrigins.length) candidates.push(location.ancestorOrigins[0]);
  if (document.referrer) candidates.push(new URL(document.referrer).origin);
  return candidates.find((origin) => allowed.includes(origin)) || null;
}

const target = parentOrigin();

function post(type, detail = {}) {
  if (target) window.parent.postMessage({ source: "selfserve", type, ...detail }, target);
}

for (const name of ["signed-in", "signed-out", "saved", "view", "session-expired"]) {
  element.addEventListener(`selfserve:${name}`, (event) => post(name, { detail: event.detail }));
}

let lastHeight = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.scrollHeight);
  if (height !== lastHeight) {
    lastHeight = height;
    post("height", { height });
  }
}).observe(document.body);

// The sign-in pop-up (same origin as this page) says when it is done.
window.addEventListener("message", (event) => {
  if (event.origin === location.origin && event.data?.type === "selfserve:signed-in" && !element.booted) {
    element.boot();
  }
});

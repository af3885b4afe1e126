// This browser's device key: a WebCrypto key pair whose private key is not
// extractable, kept in IndexedDB (CryptoKey objects survive structured cloning
// without their private part ever being readable by script).

const DB_NAME = "selfserve";
const STORE = "device-keys";

export function supported() {
  return Boolean(window.isSecureContext && window.crypto?.subtle && window.indexedDB && crypto.randomUUID);
}

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The stored record for `id` (BFF + user), or undefined. */
export function load(id) {
  return run("readonly", (store) => store.get(id));
}

export function save(record) {
  return run("readwrite", (store) => store.put(record));
}

export function remove(id) {
  return run("readwrite", (store) => store.delete(id));
}

/** A fresh ECDSA P-256 pair (private key non-extractable) and its public key as base64 SPKI DER. */
export async function createKeyPair() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  let binary = "";
  for (const byte of spki) binary += String.fromCharCode(byte);
  return { pair, publicKey: btoa(binary) };
}

/** A readable default name for this browser, e.g. "Chrome on Linux". */
export function defaultDeviceName() {
  const ua = navigator.userAgent;
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox"
    : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS"
    : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser} on ${os}` : browser;
}

// Listen to the account iframe: accept messages only from its origin, resize it
// to its content, and log its events.
const frame = document.getElementById("account");
const accountOrigin = new URL(frame.dataset.origin).origin;
const log = document.getElementById("events");

window.addEventListener("message", (event) => {
  if (event.origin !== accountOrigin || event.source !== frame.contentWindow) return;
  const message = event.data || {};
  if (message.source !== "selfserve") return;
  if (message.type === "height") {
    frame.style.height = `${message.height}px`;
    return;
  }
  const item = document.createElement("li");
  item.textContent = `${message.type} ${JSON.stringify(message.detail || {})}`;
  log.append(item);
});

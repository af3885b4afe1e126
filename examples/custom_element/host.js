// The host page listening to the element's events (they bubble out of its shadow root).
const log = document.getElementById("events");
for (const name of ["signed-in", "signed-out", "saved", "view", "session-expired"]) {
  document.addEventListener(`selfserve:${name}`, (event) => {
    const item = document.createElement("li");
    item.textContent = `${name} ${JSON.stringify(event.detail)}`;
    log.append(item);
  });
}

// Playground: chat with any model, streamed; with a second model beside it (e.g. base and fine-tuned) the same
// message goes to both and the answers stream in side by side.
import { get, streamChat } from "../api.js";
import { el, field, showError } from "../ui.js";

export async function playgroundPage(main, scope, params) {
  const models = (await get("/v1/models")).data.map((m) => m.id);
  const pick = (id, chosen, optional) => {
    const select = el("select", { id }, ...(optional ? [el("option", { value: "" }, "none")] : []), models.map((m) => el("option", { value: m }, m)));
    if (chosen && !models.includes(chosen)) select.append(el("option", { value: chosen }, chosen));
    select.value = chosen ?? (optional ? "" : models[0] ?? "");
    return select;
  };
  const left = pane("left", "Model A", pick("model-a", params.get("base") ?? params.get("model"), false));
  const right = pane("right", "Model B (optional)", pick("model-b", params.get("base") ? params.get("model") : null, true));
  const input = el("textarea", { rows: 2, placeholder: "Write a message; Enter sends, Shift+Enter starts a new line" });
  const sendButton = el("button", { type: "submit" }, "Send");
  const clearButton = el("button", { type: "button", class: "secondary", onclick: () => { left.clear(); right.clear(); } }, "New conversation");
  const form = el("form", { class: "card" }, field("chat-input", "Message", input), el("div", { class: "row" }, sendButton, clearButton));
  input.addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); } });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendButton.disabled = true;
    showError(null);
    try { await Promise.all([left, right].filter((p) => p.model()).map((p) => p.send(text, scope.abortable().signal))); }
    finally { sendButton.disabled = false; input.focus(); }
  });
  main.append(el("h1", {}, "Playground"), el("div", { class: "grid2" }, left.node, right.node), form);
}

function pane(name, label, select) {
  let history = [];
  const log = el("div", { class: "chat", role: "log", "aria-live": "polite", "aria-label": `Conversation with ${label}`, "data-pane": name });
  const node = el("div", { class: "card" }, field(`pane-${name}`, label, select), log);
  select.addEventListener("change", () => { history = []; log.replaceChildren(); });
  return {
    node,
    model: () => select.value,
    clear: () => { history = []; log.replaceChildren(); },
    async send(text, signal) {
      history.push({ role: "user", content: text });
      log.append(el("div", { class: "msg user" }, text));
      const answer = el("div", { class: "msg assistant", "data-model": select.value });
      log.append(answer);
      let content = "";
      try {
        await streamChat(select.value, history, (delta) => { content += delta; answer.textContent = content; log.scrollTop = log.scrollHeight; }, signal);
        history.push({ role: "assistant", content });
        answer.dataset.done = "true";
        if (!content) answer.textContent = "(empty answer)";
      } catch (err) {
        history.pop();
        answer.classList.add("worse");
        answer.textContent = err.message;
        showError(err);
      }
    },
  };
}

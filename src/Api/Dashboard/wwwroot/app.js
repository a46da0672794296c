// The dashboard's shell: hash routes (#/jobs, #/jobs/{id}, #/jobs/{id}/evaluation, #/new, #/files, #/models,
// #/playground), the API key dialog, and one PageScope per page so polling stops when the user leaves it.
import { apiKey } from "./api.js";
import { PageScope, showError } from "./ui.js";
import { jobsPage } from "./pages/jobs.js";
import { jobPage } from "./pages/job.js";
import { evaluationPage } from "./pages/evaluation.js";
import { newJobPage } from "./pages/newjob.js";
import { filesPage } from "./pages/files.js";
import { modelsPage } from "./pages/models.js";
import { playgroundPage } from "./pages/playground.js";

const routes = [
  [/^#\/jobs\/([^/]+)\/evaluation$/, "jobs", (m, main, scope) => evaluationPage(main, scope, decodeURIComponent(m[1]))],
  [/^#\/jobs\/([^/]+)$/, "jobs", (m, main, scope) => jobPage(main, scope, decodeURIComponent(m[1]))],
  [/^#\/jobs$/, "jobs", (m, main, scope) => jobsPage(main, scope)],
  [/^#\/new(?:\?(.*))?$/, "new", (m, main, scope) => newJobPage(main, scope, new URLSearchParams(m[1] ?? ""))],
  [/^#\/files$/, "files", (m, main, scope) => filesPage(main, scope)],
  [/^#\/models$/, "models", (m, main, scope) => modelsPage(main, scope)],
  [/^#\/playground(?:\?(.*))?$/, "playground", (m, main, scope) => playgroundPage(main, scope, new URLSearchParams(m[1] ?? ""))],
];

let scope = null;

async function render() {
  const hash = location.hash || "#/jobs";
  scope?.close();
  scope = new PageScope();
  showError(null);
  const main = document.getElementById("main");
  main.replaceChildren();
  const route = routes.find(([pattern]) => pattern.test(hash));
  if (!route) { location.hash = "#/jobs"; return; }
  const [pattern, nav, page] = route;
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === nav) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  try { await page(pattern.exec(hash), main, scope); } catch (e) { showError(e); }
}

const dialog = document.getElementById("key-dialog");
function openKeyDialog() {
  document.getElementById("key-input").value = apiKey.get();
  dialog.showModal();
}
document.getElementById("key-button").addEventListener("click", openKeyDialog);
dialog.addEventListener("close", () => {
  if (dialog.returnValue === "save") apiKey.set(document.getElementById("key-input").value.trim());
  else if (dialog.returnValue === "clear") apiKey.set("");
  else return;
  render();
});
// A 401 means no key or a wrong one: ask for it (the error itself is already shown).
window.addEventListener("tuning:unauthorized", () => { if (!dialog.open) openKeyDialog(); });
window.addEventListener("hashchange", render);
render();

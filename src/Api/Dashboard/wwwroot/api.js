// Calls to the service's public API with the key kept in sessionStorage (one browser tab session, never in a URL).
const keyName = "tuning.apiKey";

export const apiKey = {
  get: () => sessionStorage.getItem(keyName) || "",
  set: (key) => key ? sessionStorage.setItem(keyName, key) : sessionStorage.removeItem(keyName),
};

/** An API failure carrying the service's own words (OpenAI's error.message). */
export class ApiError extends Error {
  constructor(status, message, param) { super(message); this.status = status; this.param = param; }
}

export function authHeaders(extra = {}) {
  const key = apiKey.get();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

/** The error.message of an OpenAI-shaped error body, else the HTTP status in words. */
export async function errorFrom(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    if (body?.error?.message) return new ApiError(response.status, body.error.message, body.error.param);
  } catch { /* not JSON: fall through */ }
  return new ApiError(response.status, `${response.status} ${response.statusText}${text ? ": " + text.slice(0, 300) : ""}`);
}

export async function request(method, path, body) {
  const init = { method, headers: authHeaders(body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401) window.dispatchEvent(new CustomEvent("tuning:unauthorized", { detail: error.message }));
    throw error;
  }
  return response.status === 204 ? null : response.json();
}

export const get = (path) => request("GET", path);
export const post = (path, body) => request("POST", path, body ?? {});

/** Uploads with XMLHttpRequest, the one browser API that reports upload progress. */
export function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v1/files");
    const key = apiKey.get();
    if (key) xhr.setRequestHeader("Authorization", `Bearer ${key}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body?.error?.message ?? `${xhr.status} ${xhr.statusText}`, body?.error?.param));
    };
    xhr.onerror = () => reject(new ApiError(0, "The upload failed: the service could not be reached."));
    const form = new FormData();
    form.append("purpose", "fine-tune");
    form.append("file", file, file.name);
    xhr.send(form);
  });
}

/** Downloads with the key in a header (a plain link could not send it), saved under the server's file name. */
export async function download(path, fallbackName) {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) throw await errorFrom(response);
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url; a.download = decodeURIComponent(name);
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Streams a chat completion (server-sent events), calling onDelta with each piece of text as it arrives. */
export async function streamChat(model, messages, onDelta, signal) {
  const response = await fetch("/v1/chat/completions", {
    method: "POST", signal,
    headers: authHeaders({ "Content-Type": "application/json" }),
    body: JSON.stringify({ model, messages, stream: true, max_tokens: 64, temperature: 0 }),
  });
  if (!response.ok) throw await errorFrom(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of event.split("\n")) {
        if (!line.startsWith("data:")) continue;
        const data = line.slice(5).trim();
        if (data === "[DONE]") return;
        const chunk = JSON.parse(data);
        if (chunk.error) throw new ApiError(500, chunk.error.message);
        const text = chunk.choices?.[0]?.delta?.content;
        if (text) onDelta(text);
      }
    }
  }
}

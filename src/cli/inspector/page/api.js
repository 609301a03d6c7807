// Calls to the inspector's JSON API; paths are relative, so the token in the page's URL path goes along.

/** GET a JSON answer. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  return readAnswer(response);
}

/** POST JSON, get JSON; an error answer throws an Error with the server's message (and `field`). */
export async function postJson(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return readAnswer(response);
}

async function readAnswer(response) {
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(body.error ?? `HTTP ${response.status}`), { field: body.field });
  return body;
}

/** An element with text (never HTML: message content is untrusted). */
export function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

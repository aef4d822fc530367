// The server's JSON API (see binarydream/studio/server.py). Every call carries the page's token.

export const token = new URLSearchParams(location.search).get('token') || '';

/** A URL the browser fetches by itself (<audio>, <video>), which cannot send headers. */
export function mediaUrl(path) {
  return `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

async function call(method, path, body, signal) {
  const response = await fetch(path, {
    method, signal,
    headers: {'X-Studio-Token': token, ...(body === undefined ? {} : {'Content-Type': 'application/json'})},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return answer(response, method, path);
}

async function answer(response, method, path) {
  let data;
  try {
    data = await response.json();
  } catch {
    throw new Error(`${method} ${path}: the server answered ${response.status} without JSON`);
  }
  if (!response.ok) throw new Error(data.error || `${method} ${path}: ${response.status}`);
  return data;
}

export const getState = () => call('GET', '/api/state');
/** The state index.html asked for before the modules loaded (once), else a new request. */
export function firstState() {
  const early = window.studioState;
  window.studioState = null;
  return early ? early.then((response) => answer(response, 'GET', '/api/state')) : getState();
}
/** Evaluates a curve's keyframe string: {values} or {error} (an evaluator error is not a failed call). */
export const evalCurve = (name, source, signal) => call('POST', '/api/curve', {name, source}, signal);
export const save = (body) => call('POST', '/api/save', body);
export const realign = (index, start, end) => call('POST', '/api/realign', {index, start, end});
export const preview = (start, end, schedule) => call('POST', '/api/preview', {start, end, schedule});
export const exportDeforum = (schedule) => call('POST', '/api/export/deforum', {schedule});

// Reads the router's Prometheus text (<context>/metrics) into rates for the overview. The endpoint is optional: when
// it is missing or refuses, sample() answers null and the page says "metrics not available".

/** Sums of the counter samples whose family name matches, from Prometheus text exposition format. */
export function sums(text) {
  const messages = { value: 0, seen: false };
  const errors = { value: 0, seen: false };
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([-+0-9.eE]+|NaN|[+-]Inf)/.exec(line);
    if (!m) continue;
    const name = m[1];
    const value = Number(m[3]);
    if (!Number.isFinite(value) || !name.endsWith('_total')) continue;
    if (/messages_(received|sent|in|out)_total$/.test(name)) {
      messages.value += value;
      messages.seen = true;
    } else if (/(errors|protocol_violations)_total$/.test(name)) {
      errors.value += value;
      errors.seen = true;
    }
  }
  return { messages: messages.seen ? messages.value : null, errors: errors.seen ? errors.value : null };
}

let last = null;

/** Fetches /metrics once; answers the rates since the previous call ({messages, errors} per second) or null. */
export async function sample(url) {
  let text;
  try {
    const res = await fetch(url, { headers: { Accept: 'text/plain' }, credentials: 'same-origin' });
    if (!res.ok) return null;
    text = await res.text();
  } catch (e) {
    return null;
  }
  const now = { t: performance.now(), ...sums(text) };
  const prev = last;
  last = now;
  if (now.messages === null && now.errors === null) return null;
  if (!prev) return { messages: 0, errors: 0 };
  const seconds = Math.max((now.t - prev.t) / 1000, 0.001);
  const rate = (a, b) => (a === null || b === null ? 0 : Math.max(0, (a - b) / seconds));
  return { messages: rate(now.messages, prev.messages), errors: rate(now.errors, prev.errors) };
}

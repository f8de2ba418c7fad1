// The sandbox page: chat with the bot as several personas over the emulator, and move the sandbox clock.
// Plain JavaScript, no build step. Message HTML comes from the server already escaped (only Telegram's tags).
"use strict";

const S = {
  texts: {}, bot: {}, personas: [], current: null, chat: null, deepLinks: {}, socket: null, retry: 500,
};
const $ = (id) => document.getElementById(id);

function T(key, params = {}) {
  const template = S.texts[key] || key;
  return template.replace(/\{(\w+)\}/g, (_, name) => (name in params ? params[name] : ""));
}

async function api(path, body, isForm = false) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: isForm ? { "X-Sandbox": "1" } : { "X-Sandbox": "1", "Content-Type": "application/json" },
    body: isForm ? body : JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function toast(text, ms = 2500) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, ms);
}

function modal(text, actions) {
  $("modal-text").textContent = text;
  const holder = $("modal-actions");
  holder.replaceChildren();
  for (const action of actions) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = action.label;
    button.className = action.className || "";
    button.addEventListener("click", () => { $("modal").hidden = true; if (action.run) action.run(); });
    holder.append(button);
  }
  $("modal").hidden = false;
}

function persona(id) { return S.personas.find((p) => p.id === id); }
function roleLabel(role) { return T(`sandbox.role.${role}`); }
function initial(name) { return (name || "?").slice(0, 1); }
function timeOf(seconds) {
  const d = new Date(seconds * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}
function sizeOf(bytes) {
  if (bytes >= 1048576) return `${(bytes / 1048576).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

// ----- texts ------------------------------------------------------------------------------------
function applyTexts() {
  document.title = T("sandbox.title");
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = T(el.dataset.t);
  for (const el of document.querySelectorAll("[data-t-title]")) el.title = T(el.dataset.tTitle);
  $("text").placeholder = T("sandbox.ui.placeholder");
}

// ----- personas ---------------------------------------------------------------------------------
function plainPreview(message) {
  if (!message) return "";
  if (message.photo) return "🖼";
  if (message.document) return `📄 ${message.document.name}`;
  const div = document.createElement("div");
  div.innerHTML = message.html;
  return div.textContent.split("\n")[0];
}

function renderPersonas() {
  const list = $("personas");
  list.replaceChildren();
  for (const p of S.personas) {
    const li = document.createElement("li");
    li.dataset.persona = p.id;
    li.className = p.id === S.current ? "active" : "";
    const avatar = document.createElement("div");
    avatar.className = `avatar role-${p.role}`;
    avatar.textContent = initial(p.name);
    const body = document.createElement("div");
    body.className = "p-body";
    const top = document.createElement("div");
    top.className = "p-top";
    const name = document.createElement("span");
    name.className = "p-name";
    name.textContent = p.name;
    const role = document.createElement("span");
    role.className = "p-role";
    role.textContent = roleLabel(p.role);
    name.append(role);
    top.append(name);
    if (p.unread > 0 && p.id !== S.current) {
      const badge = document.createElement("span");
      badge.className = "badge live";
      badge.textContent = String(p.unread);
      top.append(badge);
    }
    const last = document.createElement("div");
    last.className = "p-last";
    last.textContent = plainPreview(p.last);
    body.append(top, last);
    li.append(avatar, body);
    li.addEventListener("click", () => selectPersona(p.id));
    list.append(li);
  }
}

async function selectPersona(id) {
  S.current = id;
  history.replaceState(null, "", `#p=${id}`);
  const data = await api(`/sandbox/api/chat/${id}`);
  S.chat = { messages: new Map(), keyboard: data.keyboard, commands: data.commands };
  const p = persona(id);
  Object.assign(p, data.persona);
  $("chat-avatar").className = `avatar role-${p.role}`;
  $("chat-avatar").textContent = initial(p.name);
  $("chat-title").textContent = `${p.name} · ${roleLabel(p.role)}`;
  $("chat-sub").textContent = T("sandbox.ui.bot_line", { bot: S.bot.username });
  $("messages").replaceChildren();
  for (const message of data.messages) drawMessage(message);
  drawKeyboard(data.keyboard);
  drawComposer();
  renderPersonas();
  scrollDown();
  markRead();
}

function drawComposer() {
  const empty = S.chat.messages.size === 0;
  $("start-bar").hidden = !empty;
  $("composer").hidden = empty;
  const p = persona(S.current);
  const hint = $("hint");
  hint.hidden = !empty;
  hint.textContent = p && p.role === "liaison" ? T("sandbox.ui.liaison_hint") : T("sandbox.ui.empty");
}

async function markRead() {
  const ids = [...S.chat.messages.values()].filter((m) => !m.out).map((m) => m.id);
  if (!ids.length || document.hidden) return;
  const p = persona(S.current);
  try {
    const result = await api(`/sandbox/api/chat/${S.current}/read`, { up_to: Math.max(...ids) });
    p.unread = result.unread;
  } catch (error) { /* shown next time */ }
  renderPersonas();
}

// ----- messages ---------------------------------------------------------------------------------
function linkify(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) if (!walker.currentNode.parentElement.closest("a, code, pre")) nodes.push(walker.currentNode);
  const pattern = /(https?:\/\/[^\s<>"'，。；）]+)/g;
  for (const node of nodes) {
    if (!pattern.test(node.data)) continue;
    pattern.lastIndex = 0;
    const parts = node.data.split(pattern);
    const fragment = document.createDocumentFragment();
    parts.forEach((part, index) => {
      if (index % 2 === 1) {
        const a = document.createElement("a");
        a.href = part;
        a.textContent = part;
        a.target = "_blank";
        a.rel = "noopener";
        fragment.append(a);
      } else if (part) fragment.append(document.createTextNode(part));
    });
    node.replaceWith(fragment);
  }
}

function buildBubble(message) {
  const wrap = document.createElement("div");
  wrap.className = `msg ${message.out ? "out" : "in"}`;
  wrap.id = `m-${message.id}`;
  wrap.dataset.id = message.id;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (message.photo) {
    const img = document.createElement("img");
    img.className = "photo";
    img.src = message.photo.url;
    img.alt = "photo";
    const link = document.createElement("a");
    link.href = message.photo.url;
    link.target = "_blank";
    link.append(img);
    bubble.append(link);
  }
  if (message.document) {
    const doc = message.document;
    const a = document.createElement("a");
    a.className = "doc";
    a.href = doc.url;
    if (doc.inline) a.target = "_blank"; else a.download = doc.name;
    const icon = document.createElement("div");
    icon.className = "doc-icon";
    icon.textContent = (doc.name.split(".").pop() || "FILE").slice(0, 4).toUpperCase();
    const info = document.createElement("div");
    const name = document.createElement("div");
    name.className = "doc-name";
    name.textContent = doc.name;
    const size = document.createElement("div");
    size.className = "doc-size";
    size.textContent = `${sizeOf(doc.size)} · ${doc.inline ? T("sandbox.ui.open") : T("sandbox.ui.download")}`;
    info.append(name, size);
    a.append(icon, info);
    bubble.append(a);
  }
  const text = document.createElement("span");
  text.className = "text";
  text.innerHTML = message.html;  // escaped on the server; only Telegram's formatting tags
  linkify(text);
  bubble.append(text);
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = (message.edited ? `${T("sandbox.ui.edited")} ` : "") + timeOf(message.date);
  bubble.append(meta);
  wrap.append(bubble);
  if (message.buttons && message.buttons.length) {
    const keyboard = document.createElement("div");
    keyboard.className = "inline-keyboard";
    for (const row of message.buttons) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) line.append(inlineButton(message, button));
      keyboard.append(line);
    }
    wrap.append(keyboard);
  }
  return wrap;
}

function inlineButton(message, button) {
  if (button.url) {
    const a = document.createElement("a");
    a.href = button.url;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = `${button.text} ↗`;
    return a;
  }
  const el = document.createElement("button");
  el.type = "button";
  el.textContent = button.text;
  el.addEventListener("click", () => press(message.id, button.data, el));
  return el;
}

function drawMessage(message) {
  S.chat.messages.set(message.id, message);
  const bubble = buildBubble(message);
  const existing = document.getElementById(`m-${message.id}`);
  if (existing) { existing.replaceWith(bubble); return; }
  const list = $("messages");
  const after = [...list.children].find((el) => Number(el.dataset.id) > message.id);
  list.insertBefore(bubble, after || null);
}

function removeMessage(id) {
  S.chat.messages.delete(id);
  const el = document.getElementById(`m-${id}`);
  if (!el) return;
  el.classList.add("deleted");
  setTimeout(() => el.remove(), 250);
}

function scrollDown() { const list = $("messages"); list.scrollTop = list.scrollHeight; }

function drawKeyboard(rows) {
  const holder = $("reply-keyboard");
  holder.replaceChildren();
  holder.hidden = !rows || !rows.length;
  for (const row of rows || []) {
    const line = document.createElement("div");
    line.className = "row";
    for (const label of row) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", () => sendText(label));
      line.append(button);
    }
    holder.append(line);
  }
}

// ----- acting -----------------------------------------------------------------------------------
async function sendText(text) {
  if (!text.trim()) return;
  try {
    await api(`/sandbox/api/chat/${S.current}/send`, { text });
  } catch (error) { toast(error.message, 5000); }
}

async function press(messageId, data, el) {
  el.classList.add("pending");
  try {
    const answer = await api(`/sandbox/api/chat/${S.current}/press`, { message_id: messageId, data });
    if (answer.url) openLink(answer.url);
    if (answer.text) {
      if (answer.alert) modal(answer.text, [{ label: "OK", className: "plain" }]);
      else toast(answer.text);
    }
  } catch (error) { toast(error.message, 5000); } finally { el.classList.remove("pending"); }
}

async function upload(file, asFile = false) {
  const form = new FormData();
  form.append("as_file", asFile ? "1" : "0");
  form.append("file", file, file.name);
  try {
    await api(`/sandbox/api/chat/${S.current}/upload`, form, true);
  } catch (error) { toast(error.message, 6000); }
}

function deepLink(href) {
  const match = /^https?:\/\/t\.me\/([A-Za-z0-9_]+)\?start=([A-Za-z0-9_-]{1,64})$/.exec(href);
  if (!match || match[1].toLowerCase() !== (S.bot.username || "").toLowerCase()) return null;
  return match[2];
}

function openDeepLink(payload) {
  const prefix = Object.keys(S.deepLinks).find((p) => payload.startsWith(`${p}_`));
  const role = prefix ? S.deepLinks[prefix] : null;
  const choices = S.personas.map((p) => ({
    label: `${p.name} · ${roleLabel(p.role)}${p.role === role ? ` (${T("sandbox.ui.suggested")})` : ""}`,
    className: p.role === role ? "suggested" : "",
    run: async () => { await selectPersona(p.id); await sendText(`/start ${payload}`); },
  }));
  choices.push({ label: T("sandbox.ui.cancel"), className: "plain" });
  modal(T("sandbox.ui.open_as"), choices);
}

function openLink(href) {
  const payload = deepLink(href);
  if (payload) openDeepLink(payload); else window.open(href, "_blank", "noopener");
}

function toggleCommands() {
  const menu = $("command-menu");
  if (!menu.hidden) { menu.hidden = true; return; }
  menu.replaceChildren();
  for (const command of S.chat.commands || []) {
    const button = document.createElement("button");
    button.type = "button";
    const name = document.createElement("span");
    name.className = "cmd";
    name.textContent = `/${command.command}`;
    const description = document.createElement("span");
    description.textContent = command.description;
    button.append(name, description);
    button.addEventListener("click", () => { menu.hidden = true; sendText(`/${command.command}`); });
    menu.append(button);
  }
  menu.hidden = !(S.chat.commands || []).length;
}

async function moveClock(step, button) {
  for (const b of document.querySelectorAll(".clock-buttons button")) b.disabled = true;
  try {
    drawClock(await api("/sandbox/api/clock", { step }));
  } catch (error) { toast(error.message, 5000); } finally {
    for (const b of document.querySelectorAll(".clock-buttons button")) b.disabled = false;
  }
}

function drawClock(clock) {
  $("clock-now").textContent = clock.local;
  $("clock-offset").textContent = clock.offset;
  $("clock-next").textContent = clock.next_close || T("sandbox.clock.none_ahead");
}

// ----- live updates -----------------------------------------------------------------------------
function onUpdate(update) {
  if (update.type === "clock") { drawClock(update.clock); return; }
  const p = persona(update.persona);
  if (!p) return;
  p.unread = update.unread;
  if (update.type !== "delete") p.last = update.message;
  if (update.persona === S.current) {
    const nearBottom = $("messages").scrollHeight - $("messages").scrollTop - $("messages").clientHeight < 120;
    if (update.type === "delete") removeMessage(update.message.id); else drawMessage(update.message);
    if (update.type === "message") drawKeyboard(update.keyboard);
    drawComposer();
    if (nearBottom || update.message.out) scrollDown();
    markRead();
  }
  renderPersonas();
}

function connect() {
  const socket = new WebSocket(`ws://${location.host}/sandbox/ws`);
  S.socket = socket;
  socket.addEventListener("open", async () => {
    S.retry = 500;
    if (!$("offline").hidden) { $("offline").hidden = true; await refresh(); }
  });
  socket.addEventListener("message", (event) => onUpdate(JSON.parse(event.data)));
  socket.addEventListener("close", () => {
    $("offline").hidden = false;
    setTimeout(connect, S.retry);
    S.retry = Math.min(S.retry * 2, 5000);
  });
}

async function refresh() {
  const state = await api("/sandbox/api/state");
  S.texts = state.texts;
  S.bot = state.bot;
  S.personas = state.personas;
  S.deepLinks = state.deep_links;
  applyTexts();
  drawClock(state.clock);
  const wanted = Number((/#p=(\d+)/.exec(location.hash) || [])[1]);
  await selectPersona(persona(wanted) ? wanted : (persona(S.current) ? S.current : S.personas[0].id));
}

// ----- wiring -----------------------------------------------------------------------------------
function wire() {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("text").value;
    $("text").value = "";
    sendText(text);
  });
  $("start-button").addEventListener("click", () => sendText("/start"));
  $("menu-button").addEventListener("click", toggleCommands);
  $("attach-button").addEventListener("click", () => $("file-input").click());
  $("file-input").addEventListener("change", async (event) => {
    for (const file of event.target.files) await upload(file);
    event.target.value = "";
  });
  for (const button of document.querySelectorAll(".clock-buttons button")) {
    button.addEventListener("click", () => moveClock(button.dataset.step, button));
  }
  $("messages").addEventListener("click", (event) => {
    const spoiler = event.target.closest(".tg-spoiler");
    if (spoiler) spoiler.classList.add("shown");
    const link = event.target.closest(".text a");
    if (link && deepLink(link.href)) { event.preventDefault(); openDeepLink(deepLink(link.href)); }
  });
  const chat = $("chat");
  let depth = 0;
  chat.addEventListener("dragenter", (event) => { event.preventDefault(); depth += 1; $("drop-overlay").hidden = false; });
  chat.addEventListener("dragover", (event) => event.preventDefault());
  chat.addEventListener("dragleave", () => { depth -= 1; if (depth <= 0) { depth = 0; $("drop-overlay").hidden = true; } });
  chat.addEventListener("drop", async (event) => {
    event.preventDefault();
    depth = 0;
    $("drop-overlay").hidden = true;
    for (const file of event.dataTransfer.files) await upload(file);
  });
  document.addEventListener("visibilitychange", () => { if (!document.hidden && S.chat) markRead(); });
}

async function main() {
  wire();
  await refresh();
  connect();
  const start = new URLSearchParams(location.search).get("start");
  if (start && /^[A-Za-z0-9_-]{1,64}$/.test(start)) openDeepLink(start);
}

main();

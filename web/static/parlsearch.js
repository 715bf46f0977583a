// Parlsearch enhancements. Every page works without this file: the filters fold with a plain
// <details>, and links in each passage move between the passages with hits.
"use strict";

// The filter sidebar is open on wide screens and folded on narrow ones (style.css: 60rem).
function foldFilters() {
  const panel = document.getElementById("filters");
  if (!panel) return;
  const wide = window.matchMedia("(min-width: 60rem)");
  const follow = () => { panel.open = wide.matches; };
  follow();
  wide.addEventListener("change", follow);
}

// "vorige treffer / volgende treffer": move between the marked words of a document page, with
// the buttons or Alt+↑ / Alt+↓, and keep the passage in the address for reloading or sharing.
function hitNavigation() {
  const bar = document.querySelector(".hit-nav");
  const marks = Array.from(document.querySelectorAll(".chunk mark"));
  if (!bar || marks.length === 0) return;
  const count = bar.querySelector(".hit-count");
  const where = bar.querySelector(".hit-where");
  let current = -1;

  function show(index) {
    if (current >= 0) marks[current].classList.remove("current");
    current = index;
    const mark = marks[current];
    mark.classList.add("current");
    const chunk = mark.closest(".chunk");
    count.textContent = `Treffer ${current + 1} van ${marks.length}`;
    where.textContent = `(${chunk.querySelector("h2").textContent.trim()})`;
    return { mark, chunk };
  }

  function move(step) {
    const { mark, chunk } = show((current + step + marks.length) % marks.length);
    mark.scrollIntoView({ block: "center" });
    history.replaceState(null, "", `#${chunk.id}`);
  }

  // Start at the first hit of the passage the page opened at (the best one), if any.
  const opened = location.hash && document.getElementById(location.hash.slice(1));
  const first = opened ? marks.findIndex((mark) => opened.contains(mark)) : -1;
  if (first >= 0) {
    show(first);
  } else {
    count.textContent = `${marks.length} ${marks.length === 1 ? "treffer" : "treffers"}`;
  }

  for (const button of bar.querySelectorAll("button[data-step]")) {
    button.addEventListener("click", () => move(Number(button.dataset.step)));
  }
  document.addEventListener("keydown", (event) => {
    const arrow = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    if (!arrow || !event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.target.closest("input, select, textarea")) return;
    event.preventDefault();
    move(arrow);
  });
  for (const links of document.querySelectorAll(".chunk-hits")) links.hidden = true;
  bar.hidden = false;
}

// A name or value compared as the server does (search.engine.pages.slug): accents, case and
// punctuation aside, words joined by "-".
function slug(text) {
  const words = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().match(/[\p{L}\p{N}]+/gu);
  return words ? words.join("-") : "";
}

// The page of all values of a facet: typing in its box hides the values without the typed
// text at once; without the script the form asks the server, which filters the same way.
function liveFacetFilter() {
  const input = document.getElementById("waarde");
  const list = document.getElementById("facet-waarden");
  const count = document.getElementById("facet-aantal");
  if (!input || !list || !count) return;
  const items = Array.from(list.querySelectorAll("li[data-label]"));
  input.addEventListener("input", () => {
    const wanted = slug(input.value);
    let shown = 0;
    for (const item of items) {
      const visible = !wanted || slug(item.dataset.label).includes(wanted);
      item.hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = `${shown} ${shown === 1 ? "waarde" : "waarden"}`;
  });
}

// "Kopieer citaat": the citation and the permalink as an absolute address (the link's href,
// resolved by the browser), to the clipboard. Without the script the text can be selected.
function copyCitation() {
  const citation = document.querySelector(".citation-text");
  if (!citation) return;
  const words = citation.querySelector(".citation-words");
  const link = citation.querySelector("a.permalink");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy-citation";
  button.textContent = "Kopieer citaat";
  const status = document.createElement("p");
  status.className = "copy-status";
  status.setAttribute("role", "status");
  citation.after(button, status);
  button.addEventListener("click", async () => {
    const text = `${words.textContent.trim()} ${link.href}`;
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = "Het citaat is gekopieerd.";
    } catch {
      window.getSelection().selectAllChildren(citation);
      status.textContent = "Kopiëren lukte niet: het citaat is geselecteerd, kopieer het met Ctrl+C.";
    }
  });
}

// "/" puts the focus in the search box, its text selected, as on many sites; not while typing in
// a field, nor with a modifier key. A shortcut of one character key can be turned off (WCAG
// 2.1.4): the box on /hulp keeps the choice in this browser.
const SLASH_SETTING = "parlsearch.slash";

function slashEnabled() {
  try {
    return localStorage.getItem(SLASH_SETTING) !== "uit";
  } catch {
    return true;
  }
}

function slashSetting() {
  const toggle = document.getElementById("sneltoets-slash");
  if (!toggle) return;
  toggle.checked = slashEnabled();
  toggle.addEventListener("change", () => {
    try {
      if (toggle.checked) localStorage.removeItem(SLASH_SETTING);
      else localStorage.setItem(SLASH_SETTING, "uit");
    } catch {
      toggle.checked = true;
    }
  });
  toggle.closest(".shortcut-setting").hidden = false;
}

function slashToSearch() {
  const box = document.getElementById("q");
  if (!box) return;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, select, textarea, [contenteditable]")) return;
    if (!slashEnabled()) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
}

// A text pasted into the search box that is longer than a query may be (its maxlength, or the
// bytes an address can carry) grows the box into a text area, and the form posts it: an address
// cannot carry such a text, and the server searches it for the questions like it. Without the
// script, the "Plak een hele vraag" form takes it.
function growPastedText() {
  const input = document.getElementById("q");
  if (!input || !input.dataset.pasteLimit) return;
  input.addEventListener("paste", (event) => {
    const pasted = event.clipboardData ? event.clipboardData.getData("text") : "";
    const before = input.value.slice(0, input.selectionStart);
    const text = before + pasted + input.value.slice(input.selectionEnd);
    // As the form will send it: spaces as "+", the rest percent-encoded (`linkable` on the server).
    const sent = encodeURIComponent(text).replace(/%20/g, "+").length;
    if (text.length <= input.maxLength && sent <= Number(input.dataset.addressLimit)) return;
    event.preventDefault();
    const area = document.createElement("textarea");
    for (const name of ["id", "name", "spellcheck", "aria-describedby"]) {
      area.setAttribute(name, input.getAttribute(name));
    }
    area.maxLength = Number(input.dataset.pasteLimit);
    area.rows = 6;
    area.value = text.slice(0, area.maxLength);
    input.form.method = "post";
    input.replaceWith(area);
    area.focus();
    const end = Math.min(before.length + pasted.length, area.value.length);
    area.setSelectionRange(end, end);
  });
}

foldFilters();
growPastedText();
hitNavigation();
liveFacetFilter();
copyCitation();
slashSetting();
slashToSearch();

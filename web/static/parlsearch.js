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

foldFilters();
hitNavigation();

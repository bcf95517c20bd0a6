// pirisk's code in the browser (ui/browser.py mounts it once per run, hidden; the charts have their own
// few lines, assets/chart.js). It runs on this machine's page and talks to nothing but the page: no
// network, and one cookie, for this site only.
//
// - sets the page's lang attribute;
// - after each move (Next, Back, a jump, a page change) scrolls to the new heading and focuses it;
// - keeps the answers in this browser's localStorage, only while the user has opted in;
// - offers the kept answers back once per page load;
// - warns before the page is left while answers are kept nowhere;
// - gives the sidebar's sectioned page list a structure assistive technology can follow;
// - loads the code of elements the next screens draw (the date picker, the charts) while the browser is idle;
// - while the workspace is unlocked, keeps its binding secret as a cookie (a session resumed elsewhere locks).
const KEY = "pirisk.answers";
const DOWNLOAD = '[class*="st-key-download_answers"] button';
const page = (window.__pirisk = window.__pirisk || {
  move: null,
  offered: false,
  downloaded: null,
  data: {},
  listening: false,
  preloaded: new Set(),
  bind: null,
});

// Load (and run) an element's code while the browser is idle (the chart code, the date picker's): the
// same module Streamlit imports when it first draws such an element, which then needs no loading.
function preload(urls) {
  const idle = window.requestIdleCallback || ((callback) => setTimeout(callback, 200));
  for (const url of urls || []) {
    if (page.preloaded.has(url)) continue;
    page.preloaded.add(url);
    setTimeout(() => idle(() => import(new URL(url, document.baseURI).href).catch(() => {})), 1000);
  }
}

// The element a move lands on: the first match of `selector` drawn by this run (not a stale one).
function target(selector) {
  for (const element of document.querySelectorAll(selector)) {
    if (!element.closest('[data-stale="true"]')) return element;
  }
  return null;
}

// On a phone the sidebar, once opened, lies over the page: after a move it closes, so the new heading shows.
function closeSidebarOverPage() {
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (sidebar && close && sidebar.getBoundingClientRect().right > window.innerWidth / 2) close.click();
}

function land(selector) {
  const until = performance.now() + 4000;
  const attempt = () => {
    const element = target(selector);
    if (!element) {
      if (performance.now() < until) requestAnimationFrame(attempt);
      return;
    }
    closeSidebarOverPage();
    element.setAttribute("tabindex", "-1");
    element.scrollIntoView({ block: "start" });
    element.focus({ preventScroll: true });
  };
  // Streamlit mounts this code after the run's elements are drawn: the heading is usually there
  // already, and focusing it now saves a frame; if not, it is looked for frame by frame.
  attempt();
}

// Streamlit draws a navigation with sections as <ul><div><header/><li/>...</div>...</ul>: a list whose
// children are not list items (axe: "list", "listitem", serious). Each section becomes its own list,
// named by its header, and the outer element a plain container. Redone whenever Streamlit redraws it.
function repairNavigation() {
  const list = document.querySelector('[data-testid="stSidebarNavItems"]');
  if (!list || list.getAttribute("role") === "none" || !list.querySelector(":scope > div")) return;
  list.setAttribute("role", "none");
  list.querySelectorAll(":scope > div").forEach((section, i) => {
    section.setAttribute("role", "list");
    const header = section.querySelector(":scope > header");
    if (header) {
      header.id = header.id || `pirisk-nav-section-${i}`;
      section.setAttribute("aria-labelledby", header.id);
    }
  });
}

function listen() {
  repairNavigation();
  new MutationObserver(repairNavigation).observe(document.body, { childList: true, subtree: true });
  window.addEventListener("beforeunload", (event) => {
    const data = page.data;
    if (data.unsaved && data.fingerprint !== page.downloaded) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Downloading the answers file saves the answers as they are now.
  document.addEventListener(
    "click",
    (event) => {
      if (event.target instanceof Element && event.target.closest(DOWNLOAD)) page.downloaded = page.data.fingerprint;
    },
    true,
  );
}

export default function (component) {
  const { data, setTriggerValue } = component;
  page.data = data;
  if (data.html_lang) document.documentElement.lang = data.html_lang;
  try {
    if (data.keep && typeof data.kept === "string") localStorage.setItem(KEY, data.kept);
    else if (data.forget) localStorage.removeItem(KEY);
    if (!data.restored && !page.offered) {
      page.offered = true;
      const kept = localStorage.getItem(KEY);
      if (kept) setTriggerValue("kept", kept);
    }
  } catch (error) {
    // Storage is switched off in this browser: nothing is kept, and the questionnaire works as before.
  }
  if (typeof data.bind === "string" && data.bind !== page.bind) {
    page.bind = data.bind;
    const secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${data.bind}; Path=/; SameSite=Strict${secure}`;
  }
  if (!page.listening) {
    page.listening = true;
    listen();
  }
  preload((data.preload || "").split(" ").filter(Boolean)); // addresses joined by spaces
  if (page.move === null) page.move = data.move;
  else if (data.move !== page.move) {
    page.move = data.move;
    if (data.focus) land(data.focus);
  }
}

// Draws one of pirisk's charts on the page (ui/charts.py `draw` mounts it, once per chart). The chart is
// SVG built in Python from numbers and from words escaped by `ui.present.svg_text`; this is the only
// place pirisk's code puts markup on a page, and it takes nothing else (`draw` accepts only that SVG).
// Drawing it here costs the browser one assignment; Streamlit's Markdown parsed the same SVG as HTML,
// which was a tenth of the results page's work in the browser (docs/performance.md).
export default function ({ data, parentElement }) {
  let holder = parentElement.querySelector(":scope > .pirisk-chart");
  if (!holder) {
    holder = document.createElement("div");
    holder.className = "pirisk-chart";
    parentElement.appendChild(holder);
  }
  const svg = data && data.svg;
  if (holder.pirisk === svg) return; // the same chart again (a rerun that changed something else)
  holder.pirisk = svg;
  holder.innerHTML = typeof svg === "string" && svg.startsWith("<svg") ? svg : "";
}

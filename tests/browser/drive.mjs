// Drives a sweep page in Debian's Chromium with the keyboard and mouse, as
// a reader would, and prints what the page shows after each step as JSON
// lines. The Rust test (tests/explorer.rs) holds the expectations.
// Usage: node drive.mjs PAGE.html
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));
const url = pathToFileURL(process.argv[2]).href;

async function state(step) {
  const seen = await page.evaluate(() => ({
    title: document.getElementById("selected-title").textContent,
    pinned: document.getElementById("pinned").hidden ? null : document.getElementById("pinned-title").textContent,
    hash: location.hash,
    value: document.getElementById("param-0-value").textContent,
    valuetext: document.getElementById("param-0").getAttribute("aria-valuetext"),
    pressed: document.getElementById("pin").getAttribute("aria-pressed"),
    sections: [...document.querySelectorAll("#point-charts > section.point")].filter((s) => !s.hidden).map((s) => Number(s.dataset.point)),
    focus: document.activeElement ? document.activeElement.id || document.activeElement.getAttribute("aria-label") : null,
    // The points whose charts are drawn (laid out, not just unhidden).
    drawn: [...new Set([...document.querySelectorAll("#point-charts figure")]
      .filter((f) => f.getClientRects().length > 0)
      .map((f) => Number(f.id.match(/^p(\d+)-/)[1])))],
  }));
  console.log(JSON.stringify({ step, ...seen }));
}

await page.goto(url);
await state("opened");
await page.focus("#param-0");
await page.keyboard.press("ArrowRight");
await state("arrow right on the slider");
await page.keyboard.press("Home");
await state("home on the slider");
await page.keyboard.press("Tab");
await page.keyboard.press("Enter");
await state("enter on the next-value button");
await page.click("#pin");
await state("pinned");
await page.focus("#param-0");
await page.keyboard.press("End");
await state("end on the slider");
await page.click('#points a[href="#point=2"]');
await state("table link");
await page.focus("#param-0");
await page.keyboard.press("End");
const link = page.url();
await page.goto("about:blank");
await page.goto(link);
await state("link opened");
await page.click("#pin");
await state("unpinned");
console.log(JSON.stringify({ step: "errors", errors }));
await browser.close();

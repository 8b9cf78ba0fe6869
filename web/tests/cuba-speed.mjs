// CUBA in the browser build beside the native binary, alternating A B A B: serves web/dist/
// (scripts/build-web.sh builds it) with scripts/serve-web.sh, opens it in Debian's Chromium
// through playwright-core, and runs `window.spikeworksHooks.bench_cuba` (the synapse-entity
// CUBA of `spikeworks bench cuba`, one thread, inside the page) and the native
// `spikeworks bench cuba` with the same N and seed; prints a warm-up pair and each pair, the
// median ratio of simulation times (web / native) over the pairs, and whether both gave the
// same spikes.
//
// Usage: SPIKEWORKS_BIN=…/release/spikeworks node web/tests/cuba-speed.mjs [neurons] [pairs]
// Environment: CHROMIUM (default /usr/bin/chromium), PORT.

import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const native = process.env.SPIKEWORKS_BIN;
if (!native) {
  console.error("web-cuba: set SPIKEWORKS_BIN to the native release binary");
  process.exit(2);
}
const neurons = Number(process.argv[2] || 4000);
const pairs = Number(process.argv[3] || 5);
const port = Number(process.env.PORT || 9000 + Math.floor(Math.random() * 1000));
const server = spawn("bash", [path.join(root, "scripts/serve-web.sh")], {
  env: { ...process.env, PORT: String(port) },
  stdio: ["ignore", "ignore", "ignore"],
});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let browser;
try {
  for (let i = 0; ; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      break;
    } catch {
      if (i > 100) throw new Error("the web server did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
      "--ignore-gpu-blocklist", "--no-first-run", "--disable-background-networking"],
  });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  // The hooks work once the app has drawn its first frame (the wasm is running).
  await page.waitForFunction(() => window.__spikeworks?.ready, null,
    { timeout: 600_000, polling: 250 });
  // A tiny window leaves the app's software rendering (SwiftShader) almost nothing to draw,
  // so it hardly competes with the runs for the two cores.
  await page.setViewportSize({ width: 64, height: 64 });
  await page.waitForTimeout(2000);
  console.log(`CUBA, ${neurons} neurons, 1 s biological: the page (wasm, 64×64 window) vs ` +
    `native, ${pairs} pairs`);
  const ratios = [];
  // Pair 0 is a warm-up, printed but not counted: the browser first runs new WebAssembly
  // through its quick baseline compiler and replaces hot functions with optimised code
  // during the first runs, once per page load.
  for (let pair = 0; pair <= pairs; pair++) {
    const [, webS, webSpikes] = await page.evaluate(([n, seed]) =>
      Array.from(window.spikeworksHooks.bench_cuba(n, 1.0, seed)), [neurons, pair]);
    const out = execFileSync(native, ["bench", "cuba", "--neurons", String(neurons),
      "--duration", "1s", "--seed", String(pair)], { encoding: "utf8" });
    const nativeS = Number(/simulation wall\s+([0-9.]+) s/.exec(out)[1]);
    const nativeSpikes = Number(/spikes\s+(\d+)/.exec(out)[1]);
    if (pair > 0) ratios.push(webS / nativeS);
    console.log(`${pair ? `pair ${pair}` : "warm-up"}: web ${webS.toFixed(3)} s (${webSpikes} spikes)   native ` +
      `${nativeS.toFixed(3)} s (${nativeSpikes} spikes)   ratio ${(webS / nativeS).toFixed(2)}` +
      (webSpikes === nativeSpikes ? "" : "   SPIKES DIFFER"));
  }
  console.log(`median ratio web/native: ${median(ratios).toFixed(2)}`);
} finally {
  await browser?.close();
  server.kill();
}

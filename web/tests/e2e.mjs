// End-to-end test of the browser build in Debian's Chromium, driven by playwright-core (no
// browser download). It serves web/dist/ with scripts/serve-web.sh and checks:
//   1. the page loads and the app reports its first frame (window.__spikeworks.ready);
//   2. the same seed gives the same spikes: every bundled example, run headless inside the
//      page, gives exactly the spike trains of the native `spikeworks run`;
//   3. with emulated touch (CDP Input.dispatchTouchEvent) a student opens the sandbox,
//      uploads a circuit and saves it as a download, places a neuron and a DC source, wires
//      them, and the neuron spikes; pinch zooms, two fingers pan, and two fingers hold two
//      touch sensors at once; unsaved work survives a reload (localStorage);
// and it reports the time to first frame and the CUBA speed in the page.
//
// Environment: SPIKEWORKS_BIN (native binary, required), CHROMIUM (default
// /usr/bin/chromium), SHOTS (screenshot folder, default web/screenshots), PORT, CUBA_NEURONS.

import { chromium } from "playwright-core";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const native = process.env.SPIKEWORKS_BIN;
assert.ok(native, "set SPIKEWORKS_BIN to the native spikeworks binary");
const shots = process.env.SHOTS || path.join(root, "web/screenshots");
mkdirSync(shots, { recursive: true });
const port = Number(process.env.PORT || 8000 + Math.floor(Math.random() * 1000));
const url = `http://127.0.0.1:${port}/`;
const log = (...args) => console.log("e2e:", ...args);

const server = spawn("bash", [path.join(root, "scripts/serve-web.sh")], {
  env: { ...process.env, PORT: String(port) },
  stdio: ["ignore", "ignore", "inherit"],
});
let browser;
let page;
try {
  await waitForServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
      "--ignore-gpu-blocklist", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--autoplay-policy=user-gesture-required",
    ],
  });
  const context = await browser.newContext({
    hasTouch: true, isMobile: false, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1,
    acceptDownloads: true,
  });
  page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));

  // 1. Loading and the first frame.
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.__spikeworks?.ready || window.__spikeworks_error,
    null, { timeout: 600_000, polling: 250 });
  const loadError = await page.evaluate(() => window.__spikeworks_error ?? null);
  assert.equal(loadError, null, `the page failed to start: ${loadError}`);
  const firstFrameMs = await page.evaluate(() => window.__spikeworks.first_frame_ms);
  log(`first frame after ${(firstFrameMs / 1000).toFixed(1)} s (page timing), ` +
      `${((Date.now() - started) / 1000).toFixed(1)} s wall`);
  await frames(page, 3);
  await page.screenshot({ path: path.join(shots, "web-title.png") });

  // 2. Native and web spike trains, example by example.
  const scratch = mkdtempSync(path.join(tmpdir(), "spikeworks-e2e-"));
  const examples = readdirSync(path.join(root, "assets/examples"))
    .filter((n) => n.endsWith(".circuit.ron")).sort();
  let spikesCompared = 0;
  for (const name of examples) {
    const file = path.join(root, "assets/examples", name);
    const csv = path.join(scratch, `${name}.csv`);
    execFileSync(native, ["run", file, "--duration", "2s", "--seed", "7", "--spikes", csv],
      { stdio: ["ignore", "ignore", "inherit"] });
    const expected = readFileSync(csv, "utf8");
    const text = readFileSync(file, "utf8");
    const got = await page.evaluate(([t]) => window.spikeworksHooks.simulate(t, 2.0, 7), [text]);
    const rows = expected.trim().split("\n").length - 1;
    assert.equal(got, expected, `${name}: web and native spike trains differ`);
    spikesCompared += rows;
  }
  log(`${examples.length} examples: web spike trains equal native ones (${spikesCompared} spikes, 2 s, seed 7)`);

  // 3. Touch: title screen → sandbox.
  const cdp = await context.newCDPSession(page);
  const status = () => page.evaluate(() => window.__spikeworks);
  const touch = async (type, points) => {
    await cdp.send("Input.dispatchTouchEvent", {
      type, touchPoints: points.map(([x, y], id) => ({ x, y, id, radiusX: 4, radiusY: 4, force: 1 })),
    });
  };
  // Down and up within one frame: egui takes a press longer than 0.8 s for a hold, and
  // software WebGL here draws 2–6 frames a second, some taking over a second.
  const tap = async (x, y) => {
    await Promise.all([touch("touchStart", [[x, y]]), touch("touchEnd", [])]);
    await frames(page, 3);
  };
  // Moves fingers from `from` to `to` (lists of [x, y]) in `steps` frames.
  const slide = async (from, to, steps, lift = true) => {
    await touch("touchStart", from);
    await frames(page, 2);
    for (let k = 1; k <= steps; k++) {
      const at = from.map(([x, y], i) => [x + (to[i][0] - x) * k / steps, y + (to[i][1] - y) * k / steps]);
      await touch("touchMove", at);
      await frames(page, 1);
    }
    if (lift) {
      await touch("touchEnd", []);
      await frames(page, 3);
    }
  };

  await tap(640, 342);          // the title screen's "Sandbox" button
  await page.waitForFunction(() => window.__spikeworks.screen === "Sandbox", null, { timeout: 60_000 });
  // Open uploads a file from the device; Save downloads it.
  const relay = path.join(root, "assets/examples/relay.circuit.ron");
  await tap(78, 25);            // File
  await tap(90, 110);           // Open…
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), tap(540, 255)]);
  await chooser.setFiles(relay);
  await page.waitForFunction(() => window.__spikeworks.neurons > 0, null, { timeout: 60_000 });
  const uploaded = await status();
  // Held across frames, so the app sees Ctrl down while S goes down.
  const ctrlS = async () => {
    await page.keyboard.down("Control");
    await frames(page, 1);
    await page.keyboard.down("s");
    await frames(page, 2);
    await page.keyboard.up("s");
    await page.keyboard.up("Control");
  };
  const [download] = await Promise.all([page.waitForEvent("download"), ctrlS()]);
  const saved = readFileSync(await download.path(), "utf8");
  assert.equal(download.suggestedFilename(), "relay.circuit.ron", "Save downloads under the file's name");
  assert.match(saved, /Relay with a delay/, "the download is the circuit");
  log(`uploaded relay.circuit.ron (${uploaded.neurons} neurons), saved it back as a download`);
  await tap(78, 25);            // File
  await tap(80, 72);            // New: the circuit was saved, so nothing asks
  await page.waitForFunction(() => window.__spikeworks.neurons === 0, null, { timeout: 60_000 });

  // The palette's buttons and an empty canvas shown at 1:1 (see tests/gui_e2e.rs).
  await tap(100, 165);          // Neuron
  await tap(500, 300);          // placed
  await tap(100, 464);          // DC source
  await tap(330, 300);          // placed, and selected
  await slide([[370, 260]], [[500, 300]], 6); // from its wiring handle to the neuron
  let s = await status();
  assert.equal(s.neurons, 1, "one neuron placed");
  assert.equal(s.generators, 1, "one DC source placed");
  assert.equal(s.wires, 1, "the DC source drives the neuron");
  if (s.paused) {
    await page.keyboard.press("Space");
  }
  await page.waitForFunction(() => window.__spikeworks.spikes > 0, null, { timeout: 120_000, polling: 250 });
  s = await status();
  log(`the neuron spiked: ${s.spikes} spikes in ${s.time_s.toFixed(2)} s of simulated time`);
  await page.screenshot({ path: path.join(shots, "web-sandbox-touch.png") });

  // Pinch out on empty canvas zooms in; two fingers moving together pan.
  const before = await status();
  await slide([[700, 600], [800, 600]], [[640, 600], [860, 600]], 8);
  const pinched = await status();
  assert.ok(pinched.view_scale < before.view_scale * 0.8,
    `pinch zooms in: scale ${before.view_scale} → ${pinched.view_scale}`);
  await slide([[700, 650], [800, 650]], [[700, 550], [800, 550]], 8);
  const panned = await status();
  assert.ok(Math.abs(panned.view_y - pinched.view_y) > 20,
    `two fingers pan: centre y ${pinched.view_y} → ${panned.view_y}`);
  log(`pinch: scale ${before.view_scale.toFixed(3)} → ${pinched.view_scale.toFixed(3)}; ` +
      `two-finger pan: centre y ${pinched.view_y.toFixed(1)} → ${panned.view_y.toFixed(1)}`);

  // Two touch sensors held by two fingers at once. On the way, a tap on the properties
  // panel with the tool armed places nothing under the panel.
  await tap(100, 709);          // Touch sensor
  await tap(1100, 600);
  assert.equal((await status()).sensors, 0, "a tap on a panel places nothing under it");
  await tap(700, 250);
  await tap(100, 709);
  await tap(700, 450);
  assert.equal((await status()).sensors, 2, "two touch sensors placed");
  await touch("touchStart", [[700, 250], [700, 450]]);
  await frames(page, 4);
  const held = (await status()).sensors_held;
  await page.screenshot({ path: path.join(shots, "web-two-sensors-held.png") });
  await touch("touchEnd", []);
  await frames(page, 3);
  assert.equal(held, 2, "two fingers hold two sensors");
  assert.equal((await status()).sensors_held, 0, "lifting both releases both");
  log("two fingers held two touch sensors at once");

  // Unsaved work is kept in localStorage and comes back after a reload.
  await page.waitForFunction(() => (localStorage.getItem("spikeworks/autosave.circuit.ron") || "").includes("sensors"),
    null, { timeout: 60_000 });
  const before_reload = await status();
  await page.reload();
  await page.waitForFunction(() => window.__spikeworks?.ready, null, { timeout: 600_000, polling: 250 });
  const restored = await status();
  assert.equal(restored.screen, "Sandbox", "the reloaded page opens the kept work");
  assert.deepEqual([restored.neurons, restored.generators, restored.sensors],
    [before_reload.neurons, before_reload.generators, before_reload.sensors], "the same circuit");
  log(`after a reload the unsaved circuit is back from localStorage (${restored.neurons} neuron, ` +
      `${restored.generators} generator, ${restored.sensors} sensors)`);
  await page.waitForTimeout(600); // the loading screen fades out
  await frames(page, 2);
  await page.screenshot({ path: path.join(shots, "web-restored.png") });

  // Speed: CUBA inside the page (compare with `spikeworks bench cuba` natively).
  const neurons = Number(process.env.CUBA_NEURONS || 1000);
  const [buildS, simulateS, spikes] = await page.evaluate(
    ([n]) => Array.from(window.spikeworksHooks.bench_cuba(n, 1.0, 0)), [neurons]);
  log(`CUBA ${neurons} neurons, 1 s in the page: build ${buildS.toFixed(3)} s, ` +
      `simulate ${simulateS.toFixed(3)} s, ${spikes} spikes`);

  const serious = problems.filter((p) => !/TEXTURE_BINDING_ARRAY|GPU stall|software/i.test(p));
  assert.deepEqual(serious, [], `no errors in the console: ${serious.join(" | ")}`);
  log("passed");
} catch (e) {
  // What the page showed when it failed, for the log's reader.
  await page?.screenshot({ path: path.join(shots, "web-failure.png") }).catch(() => {});
  console.error(`e2e: failed; the page is in ${path.join(shots, "web-failure.png")}`);
  throw e;
} finally {
  await browser?.close();
  server.kill();
}

async function waitForServer() {
  for (let k = 0; k < 100; k++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the web server did not start on ${url}`);
}

// Waits until the app has drawn `n` more frames.
async function frames(page, n) {
  const start = await page.evaluate(() => window.__spikeworks.frames);
  await page.waitForFunction((target) => window.__spikeworks.frames >= target, start + n,
    { timeout: 120_000, polling: 50 });
}

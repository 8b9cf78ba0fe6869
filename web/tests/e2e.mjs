// End-to-end test of the browser build in Debian's Chromium, driven by playwright-core (no
// browser download). It serves web/dist/ with scripts/serve-web.sh and checks:
//   1. the page loads and the app reports its first frame (window.__spikeworks.ready);
//   2. the same seed gives the same spikes: every bundled example, run headless inside the
//      page, gives exactly the spike trains of the native `spikeworks run`;
//   3. with emulated touch (CDP Input.dispatchTouchEvent) a student opens the sandbox,
//      uploads a circuit and saves it as a download, places a neuron and a DC source, wires
//      them, and the neuron spikes; pinch zooms, two fingers pan, and two fingers hold two
//      touch sensors at once; unsaved work survives a reload (localStorage);
//   4. on a phone (390×844), a tablet in portrait (768×1024) and landscape (1024×768) and a
//      desktop (1280×800), all with touch: the canvas covers its share of the screen, every
//      top-bar control is inside the viewport, and a student places a neuron and a DC source
//      from the palette, wires them, changes a parameter in the neuron's properties and sees
//      it spike; on the tablet level 1 is played to its verdict, and the tablet turns to
//      landscape and back, keeping the view's centre;
// and it reports the time to first frame and the CUBA speed in the page. Controls are found
// by name in window.__spikeworks.buttons, so the taps follow the layout.
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

  // E2E_ONLY=layouts runs section 4 alone (for working on the layouts).
  log(`sections: ${process.env.E2E_ONLY ?? "all"}`);
  if (process.env.E2E_ONLY !== "layouts") {
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

    const at = touchHelpers(page, cdp);
    await at.tapToScreen("title/Sandbox", "Sandbox");
    // Open uploads a file from the device; Save downloads it.
    const relay = path.join(root, "assets/examples/relay.circuit.ron");
    await at.tapOn("top/file");
    await at.tapOn("file/Open…");
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), at.tapOn("dialog/upload")]);
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
    await at.tapOn("top/file");
    await at.tapOn("file/New");   // the circuit was saved, so nothing asks
    await page.waitForFunction(() => window.__spikeworks.neurons === 0, null, { timeout: 60_000 });

    // The palette's buttons and an empty canvas shown at 1:1 (see tests/gui_e2e.rs).
    await at.tapOn("palette/Neuron");
    await tap(500, 300);          // placed
    await at.tapOn("palette/DC current");
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
    await at.tapOn("palette/Touch sensor");
    await tap(1100, 600);
    assert.equal((await status()).sensors, 0, "a tap on a panel places nothing under it");
    await tap(700, 250);
    await at.tapOn("palette/Touch sensor");
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

  }

  // 4. Layouts: phone, tablet both ways, desktop.
  await layouts(browser, shots);

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

// Taps for one page: by control name, on the canvas by fraction, and finger slides.
function touchHelpers(page, cdp) {
  const status = () => page.evaluate(() => window.__spikeworks);
  const touch = (type, points) => cdp.send("Input.dispatchTouchEvent", {
    type, touchPoints: points.map(([x, y], id) => ({ x, y, id, radiusX: 4, radiusY: 4, force: 1 })),
  });
  const tap = async (x, y) => {
    await Promise.all([touch("touchStart", [[x, y]]), touch("touchEnd", [])]);
    await frames(page, 3);
  };
  // A control may appear a frame or two after the screen that holds it.
  const rectOf = async (name) => {
    await page.waitForFunction((n) => window.__spikeworks.buttons?.[n], name, { timeout: 20_000, polling: 100 })
      .catch(() => {});
    const s = await status();
    const r = s.buttons[name];
    assert.ok(r, `no control named "${name}" on screen; there are: ${Object.keys(s.buttons).join(", ")}`);
    return r;
  };
  const tapOn = async (name, fx = 0.5) => {
    const [x, y, w, h] = await rectOf(name);
    await tap(x + w * fx, y + h / 2);
  };
  // Software WebGL can drop a tap whose start and end fall between two slow frames; a tap
  // whose effect is known is made again until it shows.
  const tapUntil = async (name, done) => {
    for (let k = 0; k < 3; k++) {
      await tapOn(name);
      await frames(page, 3);
      if (done(await status())) return;
    }
    assert.fail(`tapping "${name}" three times did not take effect`);
  };
  // A tap that changes the screen: waits for the new screen, and taps again only if the
  // first tap was dropped (the control is still there after 20 s).
  const tapToScreen = async (name, screen) => {
    for (let k = 0; k < 3; k++) {
      await tapOn(name);
      const reached = await page.waitForFunction((to) => window.__spikeworks.screen === to, screen,
        { timeout: 20_000, polling: 100 }).then(() => true, () => false);
      if (reached) {
        await frames(page, 3);
        return;
      }
    }
    assert.fail(`tapping "${name}" three times did not open the ${screen} screen`);
  };
  return {
    status, touch, tap, rectOf, tapOn, tapToScreen,
    // Picks a palette item; with drawers it opens the palette drawer first, and the drawer
    // closes once the item is picked.
    fromPalette: async (item) => {
      const button = `palette/${item}`;
      if (!("add" in (await status()).buttons)) {
        await tapOn(button);
        return;
      }
      if (!(button in (await status()).buttons)) {
        await tapUntil("add", (s) => button in s.buttons);
      }
      await tapUntil(button, (s) => !(button in s.buttons));
    },
    tapCanvas: async (fx, fy) => {
      const [x, y, w, h] = (await status()).canvas_rect;
      await tap(x + w * fx, y + h * fy);
    },
    // The screen point of a canvas point, from the view in the status object.
    screenOf: async ([cx, cy]) => {
      const s = await status();
      const [x, y, w, h] = s.canvas_rect;
      return [x + w / 2 + (cx - s.view_x) / s.view_scale, y + h / 2 + (cy - s.view_y) / s.view_scale];
    },
    slide: async (from, to, steps) => {
      await touch("touchStart", [from]);
      await frames(page, 2);
      for (let k = 1; k <= steps; k++) {
        await touch("touchMove", [[from[0] + (to[0] - from[0]) * k / steps, from[1] + (to[1] - from[1]) * k / steps]]);
        await frames(page, 1);
      }
      await touch("touchEnd", []);
      await frames(page, 3);
    },
  };
}

function inside([x, y, w, h], width, height) {
  return x >= -0.5 && y >= -0.5 && x + w <= width + 0.5 && y + h <= height + 0.5;
}

// The layouts: on each screen a student builds a circuit from nothing and sees it spike.
async function layouts(browser, shots) {
  const screens = [[390, 844, "phone"], [768, 1024, "tablet-portrait"], [1024, 768, "tablet-landscape"], [1280, 800, "desktop"]];
  for (const [width, height, name] of screens) {
    const context = await browser.newContext({ hasTouch: true, isMobile: false, viewport: { width, height }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => window.__spikeworks?.ready, null, { timeout: 600_000, polling: 250 });
    await frames(page, 3);
    const at = touchHelpers(page, await context.newCDPSession(page));
    try {
      await buildOn(page, at, width, height, name, shots);
    } catch (e) {
      await page.screenshot({ path: path.join(shots, `web-${name}-failure.png`) }).catch(() => {});
      console.error(`e2e: ${name} failed; its page is in web-${name}-failure.png; status:`,
        JSON.stringify(await at.status().catch(() => ({}))));
      throw e;
    }
    await context.close();
  }
}

// On one screen size: the sandbox from the title screen, a circuit built from the palette,
// a parameter changed, spikes; on the tablet also level 1 and a turn.
async function buildOn(page, at, width, height, name, shots) {
  {
    for (const [button, [x, y, w, h]] of Object.entries((await at.status()).buttons)) {
      if (button.startsWith("title/")) {
        assert.ok(inside([x, y, w, h], width, height), `${name}: ${button} is off screen`);
      }
    }
    await at.tapToScreen("title/Sandbox", "Sandbox");
    await frames(page, 3);
    let s = await at.status();
    const drawers = "add" in s.buttons;
    assert.equal(drawers, width < 1275, `${name}: drawers below 1275 px, docked panels above`);
    const [, , cw, ch] = s.canvas_rect;
    const share = drawers ? (cw * ch) / (width * height) : cw / width;
    assert.ok(share >= 0.6, `${name}: the canvas covers ${share.toFixed(2)} of the ${drawers ? "screen" : "width"}`);
    const top = Object.entries(s.buttons).filter(([b]) => b.startsWith("top/"));
    assert.ok(top.length >= 8, `${name}: top-bar controls: ${top.map(([b]) => b)}`);
    for (const [button, rect] of top) {
      assert.ok(inside(rect, width, height), `${name}: ${button} at ${rect} is outside the ${width}×${height} viewport`);
    }
    // Software WebGL under load may drop a tap (a frame can take seconds): each item is
    // placed again, from a closed drawer, until it shows.
    const place = async (item, fx, fy, count) => {
      for (let k = 0; k < 4 && (await at.status())[count] < 1; k++) {
        if ("close drawer" in (await at.status()).buttons) {
          await at.tapOn("close drawer");
        }
        await at.fromPalette(item);
        await at.tapCanvas(fx, fy);
        await frames(page, 2);
      }
    };
    await place("Neuron", 0.7, 0.3, "neurons");
    await place("DC current", 0.25, 0.3, "generators");
    await at.fromPalette("Connect");
    await at.tapCanvas(0.25, 0.3);
    await at.tapCanvas(0.7, 0.3);
    if (drawers) {
      // Software WebGL under load sometimes drops a tap: tap again only while wiring goes on.
      for (let i = 0; i < 3 && "done wiring" in (await at.status()).buttons; i++) {
        await at.tapOn("done wiring");
        await frames(page, 3);
      }
    } else {
      await at.tapOn("palette/Connect");
    }
    s = await at.status();
    assert.deepEqual([s.neurons, s.generators, s.wires], [1, 1, 1], `${name}: a neuron, a DC source and its wire`);
    // The neuron's properties: a tap on empty canvas, then on the neuron (again if dropped).
    for (let i = 0; i < 3 && !("properties" in (await at.status()).panels); i++) {
      await at.tapCanvas(0.5, 0.85);
      await at.tapCanvas(0.7, 0.3);
      await frames(page, 3);
    }
    s = await at.status();
    assert.ok("properties" in s.panels, `${name}: the neuron's properties are open: ${Object.keys(s.panels)}`);
    // A slider in view; on a small sheet the student scrolls it up first.
    const panel = () => at.status().then((t) => t.panels.properties);
    const visibleSlider = async () => {
      const t = await at.status();
      const [px, py, pw, ph] = t.panels.properties;
      return Object.entries(t.buttons).find(([b, [x, y, w, h]]) =>
        b.startsWith("param/") && y >= py + 40 && y + h <= py + ph - 8 && x >= px && x + w <= px + pw);
    };
    for (let k = 0; k < 6 && !(await visibleSlider()); k++) {
      const [px, py, pw, ph] = await panel();
      await at.slide([px + pw * 0.8, py + ph * 0.85], [px + pw * 0.8, py + ph * 0.35], 6);
    }
    const slider = await visibleSlider();
    await page.screenshot({ path: path.join(shots, `web-${name}-slider.png`) });
    assert.ok(slider, `${name}: no parameter slider comes into view`);
    const revision = (await at.status()).revision;
    // The student drags the slider's knob to the left.
    const [sx, sy, sw, sh] = slider[1];
    await at.slide([sx + sw * 0.3, sy + sh / 2], [sx + sw * 0.05, sy + sh / 2], 6);
    s = await at.status();
    assert.ok(s.revision > revision, `${name}: dragging the ${slider[0]} slider changed it (revision ${revision} → ${s.revision})`);
    await page.screenshot({ path: path.join(shots, `web-${name}-properties.png`) });
    if (drawers) {
      await at.tapOn("close drawer");
    }
    if ((await at.status()).paused) {
      await at.tapOn("top/play");
    }
    await page.waitForFunction(() => window.__spikeworks.spikes > 0, null, { timeout: 120_000, polling: 250 });
    s = await at.status();
    log(`${name} ${width}×${height}: ${drawers ? "drawers" : "docked"}, canvas ${(share * 100).toFixed(0)} % of the ` +
        `${drawers ? "screen" : "width"}, ${top.length} top-bar controls on screen, changed ${slider[0]}, ` +
        `${s.spikes} spikes`);
    await page.screenshot({ path: path.join(shots, `web-${name}.png`) });

    if (name === "tablet-portrait") {
      await tabletLevelAndRotation(page, at, shots);
    }
  }
}

// On the tablet: level 1 from the title screen to its verdict, then a turn to landscape and
// back that keeps the view's centre.
async function tabletLevelAndRotation(page, at, shots) {
  await at.tapToScreen("top/home", "Title");
  await at.tapToScreen("title/Play levels", "Map");
  await at.tapToScreen("map/1", "Level");
  await frames(page, 5);
  // Level 1: a DC source left of the neuron N (at the canvas origin), wired to it. Software
  // WebGL may drop or delay a tap, so each step starts from the bare canvas and is made again
  // until its effect shows.
  const [nx, ny] = await at.screenOf([0, 0]);
  const bareCanvas = async () => {
    for (const button of ["close drawer", "done wiring"]) {
      if (button in (await at.status()).buttons) {
        await at.tapOn(button);
      }
    }
  };
  for (let k = 0; k < 3 && (await at.status()).generators < 1; k++) {
    await bareCanvas();
    await at.fromPalette("DC current");
    await at.tap(nx - 160, ny);
  }
  assert.equal((await at.status()).generators, 1, "level 1: a DC source is placed");
  for (let k = 0; k < 3 && (await at.status()).wires < 1; k++) {
    await bareCanvas();
    await at.fromPalette("Connect");
    await at.tap(nx - 160, ny);
    await at.tap(nx, ny);
  }
  await bareCanvas();
  assert.equal((await at.status()).wires, 1, "level 1: the DC source is wired to N");
  await at.tapOn("goal/Check");
  await page.waitForFunction(() => Object.keys(window.__spikeworks.panels).some((p) => p.startsWith("verdict")),
    null, { timeout: 120_000, polling: 250 });
  const verdict = Object.keys((await at.status()).panels).find((p) => p.startsWith("verdict"));
  assert.equal(verdict, "verdict: solved", "level 1 is solved on the tablet");
  const [vx, vy, vw, vh] = (await at.status()).panels[verdict];
  assert.ok(inside([vx, vy, vw, vh], 768, 1024), `the verdict window is on screen: ${[vx, vy, vw, vh]}`);
  await page.screenshot({ path: path.join(shots, "web-tablet-level-solved.png") });
  log("tablet-portrait: level 1 played to its verdict (solved)");

  // Turn the tablet: the layout follows at once and the canvas keeps its view centre.
  const before = await at.status();
  for (const [width, height, shot] of [[1024, 768, "web-tablet-turned.png"], [768, 1024, "web-tablet-turned-back.png"]]) {
    await page.setViewportSize({ width, height });
    await page.waitForFunction(([w]) => window.innerWidth === w && window.__spikeworks.canvas_rect?.[2] <= w,
      [width], { timeout: 60_000 });
    await frames(page, 4);
    const s = await at.status();
    const [, , cw] = s.canvas_rect;
    assert.ok(cw > width * 0.9, `turned to ${width}×${height}: the canvas spans the width (${cw} px)`);
    for (const [button, rect] of Object.entries(s.buttons).filter(([b]) => b.startsWith("top/"))) {
      assert.ok(inside(rect, width, height), `turned to ${width}×${height}: ${button} is off screen`);
    }
    assert.ok(Math.abs(s.view_x - before.view_x) < 1 && Math.abs(s.view_y - before.view_y) < 1,
      `turned to ${width}×${height}: the view centre stays (${before.view_x},${before.view_y} → ${s.view_x},${s.view_y})`);
    await page.screenshot({ path: path.join(shots, shot) });
  }
  log("tablet: turned to 1024×768 and back, the view centre kept");
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

"""End to end: JupyterLab in headless Chromium, as a student uses it.

Starts JupyterLab from this environment on a free loopback port with a fresh
token and an isolated Jupyter config, opens a student notebook, runs all its
cells, moves a widget's controls and checks that the picture changes and that
no widget shows an error.  Screenshots go to ``test-artifacts/``.

Run with ``make test-browser`` (CI runs it after ``make test``); it needs
Debian's ``chromium`` (the make target installs it where apt is available).
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ARTIFACTS, ROOT  # and the browser fixture

pytestmark = pytest.mark.browser


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of notebooks/, stopped (with its kernels) in every outcome."""
    home = tmp_path_factory.mktemp("jupyter")
    course = home / "notebooks"  # a copy: JupyterLab saves what it opens
    shutil.copytree(ROOT / "notebooks", course, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # no news or update notification over the page
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # every cell in the page (no windowing), so that the checks below see all prompts and outputs
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "COURSEKIT_QUICK": "1", "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={course}",
           "--ServerApp.open_browser=False", "--LabApp.news_url=", "--allow-root"]
    log = open(home / "lab.log", "w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited at start: {(home / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not answer within 60 s: {(home / 'lab.log').read_text()[-2000:]}")
        yield url, token
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def _run_all(page, url, token, name):
    ARTIFACTS.mkdir(exist_ok=True)
    # a workspace of its own, reset: only this notebook open, and it has the focus
    page.goto(f"{url}/lab/workspaces/{name.split('_')[0]}/tree/{name}?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    try:
        # Run all only once the page's own connection to the kernel reads "Idle": cells
        # queued before the kernel is connected are dropped without running.
        page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-StatusBar-Item, .jp-StatusBar-TextItem')]
                       .some(e => /\\|\\s*Idle/.test(e.textContent))""", timeout=120_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.locator("li[data-command='runmenu:run-all']").click()
        # done when every code cell shows an execution number ("[7]", not "[ ]" or "[*]")
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
                    .map(p => p.textContent);
                return prompts.length && prompts.every(t => /\\[\\d+\\]/.test(t));
            }""", timeout=300_000)
    except Exception:
        page.screenshot(path=ARTIFACTS / f"{name}-timeout.png", full_page=True)
        raise


def _explorer(page, title):
    box = page.locator(".widget-vbox", has=page.get_by_text(title)).last
    try:
        box.scroll_into_view_if_needed()
    except Exception:
        page.screenshot(path=ARTIFACTS / f"explorer-not-found-{title[:20]}.png", full_page=True)
        raise
    return box


def _picture(box):
    img = box.locator("img").first
    img.wait_for(state="visible", timeout=30_000)
    return img.screenshot()


def _wait_change(box, before, timeout=60.0):
    start = time.time()
    while time.time() - start < timeout:
        after = _picture(box)
        if after != before:
            return after
        time.sleep(0.2)
    return None


def _no_errors(page):
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'], "
                          ".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
    red = page.locator("pre[style*='b00020']")
    return errors.count() == 0 and red.count() == 0


def test_notebook_02_class_picker_and_style_slider_change_the_picture(lab, browser):
    url, token = lab
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _run_all(page, url, token, "02_conditional_gan.ipynb")
    box = _explorer(page, "y picks the digit")
    before = _picture(box)
    box.screenshot(path=ARTIFACTS / "02_class_and_style_before.png")
    box.get_by_role("button", name="7", exact=True).click()
    after_class = _wait_change(box, before)
    assert after_class is not None, "picking digit 7 did not change the picture"
    slider = box.locator(".noUi-handle, .slider-handle, [role='slider']").first
    slider.focus()
    slider.press("ArrowRight")
    after_style = _wait_change(box, after_class)
    assert after_style is not None, "moving the style slider did not change the picture"
    box.screenshot(path=ARTIFACTS / "02_class_and_style_after.png")
    page.screenshot(path=ARTIFACTS / "02_page.png")
    assert _no_errors(page), "a widget or cell shows an error"
    page.close()


def test_notebook_01_interpolation_path_toggle_changes_the_picture(lab, browser):
    url, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _run_all(page, url, token, "01_vanilla_gan_and_dcgan.ipynb")
    box = _explorer(page, "Latent interpolation")
    before = _picture(box)
    box.get_by_role("button", name="spherical").click()
    after = _wait_change(box, before)
    assert after is not None, "switching to the spherical path did not change the picture"
    box.screenshot(path=ARTIFACTS / "01_interpolation.png")
    assert _no_errors(page)
    page.close()

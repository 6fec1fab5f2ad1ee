"""The many-machines deployment (deploy/z2jh/values.yaml, Zero to JupyterHub on Kubernetes): this checks that the
file parses and names the image, the per-learner limits and the nbgitpuller set-up that the instructor guide
describes. It is documentation kept honest, not proof that it deploys: no Kubernetes cluster, Helm or registry
is used here."""
import re
import shlex
from pathlib import Path

import pytest
import yaml

from twopowers.teach.handout import NAME as HANDOUT
from twopowers.teach.hub import COURSE_FOLDER, DEFAULT_MEMORY, START_HERE, USERNAME

ROOT = Path(__file__).resolve().parents[1]
VALUES = ROOT / "deploy" / "z2jh" / "values.yaml"
GUIDE = ROOT / "docs" / "instructor-guide.md"
HEADING = "### Many machines: Zero to JupyterHub on Kubernetes"
UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}  # as KubeSpawner reads "512M", "2G"


def values():
    return yaml.safe_load(VALUES.read_text())


def to_bytes(size) -> int:
    """'512M', '2G' or a plain number of bytes, the way KubeSpawner (and the one-machine hub) read them."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", str(size).strip())
    assert match, f"{size!r} is not a memory size like 512M or 2G"
    return int(float(match[1]) * UNITS[match[2]])


def guide_section() -> str:
    text = GUIDE.read_text()
    assert HEADING in text, f"the instructor guide has no section {HEADING!r} yet"
    section = text.split(HEADING, 1)[1]
    return re.split(r"\n#{1,3} ", section, maxsplit=1)[0]


def repo2docker_command(section: str) -> list[str]:
    joined = section.replace("\\\n", " ")  # shell line continuations
    lines = [line.strip() for line in joined.splitlines() if line.strip().startswith("jupyter-repo2docker ")]
    assert len(lines) == 1, "the guide's Kubernetes section should give exactly one jupyter-repo2docker command"
    return shlex.split(lines[0])


def option(argv: list[str], name: str) -> str:
    for i, arg in enumerate(argv):
        if arg == name:
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    raise AssertionError(f"the repo2docker command has no {name}")


def test_memory_size_helper_reads_units():
    assert to_bytes("512M") == 512 * 2**20
    assert to_bytes("2G") == 2 * 2**30
    assert to_bytes(1024) == 1024
    with pytest.raises(AssertionError):
        to_bytes("2 gigabytes")


def test_the_image_is_named_and_is_the_one_the_guide_builds_from_the_hand_out():
    image = values()["singleuser"]["image"]
    assert isinstance(image["name"], str) and image["name"]
    assert isinstance(image["tag"], str) and image["tag"], "quote the tag so YAML keeps it a string"
    argv = repo2docker_command(guide_section())
    assert option(argv, "--image-name") == f"{image['name']}:{image['tag']}"
    assert "--no-run" in argv
    assert argv[-1].rstrip("/").endswith(HANDOUT), "build from the unzipped hand-out, never from the repository"


def test_the_course_package_lives_outside_the_home_folder_that_learners_disks_hide():
    v = values()
    home = v["singleuser"]["storage"]["homeMountPath"]
    target = option(repo2docker_command(guide_section()), "--target-repo-dir")
    assert target.startswith("/") and not (target + "/").startswith(home.rstrip("/") + "/"), \
        f"--target-repo-dir {target} would be hidden by each learner's disk mounted at {home}"


def test_per_learner_limits_parse_and_match_the_one_machine_hub():
    single = values()["singleuser"]
    limit, guarantee = to_bytes(single["memory"]["limit"]), to_bytes(single["memory"]["guarantee"])
    assert 0 < guarantee <= limit
    assert limit == to_bytes(DEFAULT_MEMORY), "the memory limit differs from the one-machine hub's default"
    assert 0 < single["cpu"]["guarantee"] <= single["cpu"]["limit"]


def test_storage_is_a_persistent_disk_per_learner():
    storage = values()["singleuser"]["storage"]
    assert storage["type"] == "dynamic"
    assert to_bytes(storage["capacity"].removesuffix("i")) > 0


def test_nbgitpuller_pulls_the_hand_out_into_the_course_folder_of_the_home():
    single = values()["singleuser"]
    command = single["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert command[0] == "gitpuller" and len(command) == 4, "gitpuller takes: repository URL, branch, folder"
    url, branch, folder = command[1:]
    assert re.match(r"https://", url) and HANDOUT in url, "pull the published hand-out, not the repository"
    assert branch == "main"
    home = single["storage"]["homeMountPath"].rstrip("/")
    assert folder in (COURSE_FOLDER, f"{home}/{COURSE_FOLDER}")


def test_learners_open_start_here_in_their_own_copy():
    v = values()
    assert v["singleuser"]["defaultUrl"] == f"/lab/tree/{COURSE_FOLDER}/{START_HERE}"
    assert (ROOT / START_HERE).is_file()
    # defaultUrl is relative to the server's root: the home folder, not the image's --target-repo-dir
    assert v["hub"]["config"]["KubeSpawner"]["working_dir"] == v["singleuser"]["storage"]["homeMountPath"]


def test_the_image_has_gitpuller_because_the_learners_pins_include_nbgitpuller():
    pinned = [line.split("==")[0].strip().lower() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "nbgitpuller" in pinned


def test_idle_servers_are_culled():
    cull = values()["cull"]
    assert cull["enabled"] is True
    assert cull["timeout"] > 0 and 0 < cull["every"] <= cull["timeout"]


def test_only_the_roster_logs_in_with_the_teacher_as_admin():
    config = values()["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"]
    allowed, admins = config["Authenticator"]["allowed_users"], config["Authenticator"]["admin_users"]
    assert allowed and admins
    for name in [*allowed, *admins]:
        assert USERNAME.match(name), f"{name!r} breaks the roster's username rule"
    assert config.get("NativeAuthenticator", {}).get("open_signup") is not True, "open sign-up lets anyone in"


def test_https_is_on_with_a_host():
    https = values()["proxy"]["https"]
    assert https["enabled"] is True and https["hosts"]
    if https.get("type", "letsencrypt") == "letsencrypt":
        assert "@" in https["letsencrypt"]["contactEmail"]
    else:
        assert https["type"] in ("secret", "manual", "offload")

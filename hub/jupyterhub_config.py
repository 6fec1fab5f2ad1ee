# JupyterHub's configuration for `sudo python3 course.py hub`. The command writes SRV/hub-settings.json (the
# class, the ports, the limits) and starts JupyterHub with this file; src/twopowers/teach/hub.py explains each
# setting's purpose, and docs/instructor-guide.md ("A hub on one machine") how a teacher uses it.
# ruff: noqa: F821  (JupyterHub gives `c`)
import json
import os
from pathlib import Path

settings = json.loads(Path(os.environ["TWOPOWERS_HUB_SETTINGS"]).read_text())
state = Path(settings["state"])  # root's alone (mode 700): the database, the cookie secret, the proxy's pid

# Where the hub listens, and its state (kept across restarts: accounts' servers, cookies)
c.JupyterHub.bind_url = settings["bind_url"]
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings['hub_port']}"
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.command = [settings["proxy"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")
if settings.get("ssl_cert"):
    c.JupyterHub.ssl_cert = settings["ssl_cert"]
    c.JupyterHub.ssl_key = settings["ssl_key"]

# Who may log in: the roster's accounts, each with its own password (PAM); the teacher is admin
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set(settings["learners"]) | set(settings["teachers"])
c.Authenticator.admin_users = set(settings["teachers"])
c.JupyterHub.template_vars = {"announcement_login": "Between Two Powers: log in with the username and password "
                                                    "your teacher gave you."}

# Each learner's server: their own Unix user (LocalProcessSpawner), their home folder, the shared environment,
# limits per process (address space) and per learner (processes), and the course pulled in on every start
c.Spawner.cmd = ["prlimit", f"--as={settings['memory_bytes']}", f"--nproc={settings['max_processes']}", "--",
                 settings["singleuser"]]
c.Spawner.notebook_dir = "~"
# Kernels talk to the learner's server over Unix sockets in the learner's own runtime folder, not over TCP
# ports: many kernels starting at once in different learners' servers can pick the same free port (the load
# test met "Address already in use" with 30 learners), and no other user can reach a learner's kernel.
c.Spawner.args = ["--KernelManager.transport=ipc"]
c.Spawner.default_url = settings["default_url"]
c.Spawner.mem_limit = settings["memory_bytes"]  # shown to the server as MEM_LIMIT; prlimit enforces it
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# A port for each learner's server that no other starting server holds: JupyterHub's own pick (a random free
# port, released before the server binds it) can give two servers that start at once the same port, and one
# learner's requests would then reach another's server (the load test met it with 30 learners starting).
ports_in_use: dict[str, int] = {}


def give_a_port(spawner):
    import socket

    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in ports_in_use.values():
            break
    ports_in_use[spawner.user.name] = spawner.port = port


def take_back_the_port(spawner):
    ports_in_use.pop(spawner.user.name, None)


c.Spawner.pre_spawn_hook = give_a_port
c.Spawner.post_stop_hook = take_back_the_port
c.Spawner.environment = {"MALLOC_ARENA_MAX": "2"}  # fewer malloc arenas: less address space under the limit

# The idle culler stops a server nobody has used for a while (its work stays in the learner's home folder)
c.JupyterHub.services = [{"name": "idle-culler",
                          "command": [settings["python"], "-m", "jupyterhub_idle_culler",
                                      f"--timeout={settings['idle_seconds']}"]}]
c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
                            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]

# The course's own tools (the tests and the load benchmark) get a token only when they start the hub
token = os.environ.get("TWOPOWERS_HUB_SERVICE_TOKEN")
if token:
    c.JupyterHub.services.append({"name": "course-tools", "api_token": token})
    c.JupyterHub.load_roles.append({"name": "course-tools", "services": ["course-tools"],
                                    "scopes": ["admin:users", "admin:servers", "tokens", "access:servers",
                                               "list:users", "read:users"]})

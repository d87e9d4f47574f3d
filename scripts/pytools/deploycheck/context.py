"""What every check needs: where the repository is, the tools, and the rendered overlays (rendered once)."""
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SERVICES = ("api-server", "gateway", "stream-processor", "trainer")
DEPLOYMENTS = ("api-server", "gateway", "stream-processor")
OVERLAYS = ("dev", "aws")
# The aws overlay is rendered the way scripts/cluster/up renders it, with a stand-in registry and tag.
SAMPLE_REGISTRY = "registry.example.com/group/review-stream"
SAMPLE_TAG = "0123456789abcdef0123456789abcdef01234567"


class RenderError(Exception):
    """An overlay did not render; the message is kustomize's."""


@dataclass
class Outcome:
    """The result of one check: no problems means it passed; the note is printed on the check's line."""
    problems: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Context:
    root: Path
    tools_root: Path
    venv_bin: Path
    kubernetes_version: str
    metrics_urls: list[str]
    _renders: dict = field(default_factory=dict)

    def tool(self, name: str) -> str:
        """A tool from the project venv if it is there, else from PATH."""
        candidate = self.venv_bin / name
        return str(candidate) if candidate.exists() else name

    def run(self, args, **kwargs) -> subprocess.CompletedProcess:
        # Callers read the exit status themselves.
        return subprocess.run(args, cwd=self.root, capture_output=True, text=True, check=False, **kwargs)

    def render(self, overlay: str) -> list[dict]:
        """The overlay's manifests as a list of documents; raises RenderError if kustomize fails."""
        if overlay not in self._renders:
            args = [str(self.tools_root / "scripts/cluster/render-overlay"), overlay]
            if overlay == "aws":
                args += [SAMPLE_REGISTRY, SAMPLE_TAG]
            env = dict(os.environ, K8S_ROOT=str(self.root))
            result = self.run(args, env=env)
            if result.returncode != 0:
                self._renders[overlay] = RenderError(result.stderr.strip() or f"exit status {result.returncode}")
            else:
                try:
                    self._renders[overlay] = [d for d in yaml.safe_load_all(result.stdout) if d]
                except yaml.YAMLError as error:
                    self._renders[overlay] = RenderError(f"rendered output is not YAML: {error}")
        value = self._renders[overlay]
        if isinstance(value, RenderError):
            raise value
        return value

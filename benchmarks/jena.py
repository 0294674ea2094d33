"""Apache Jena's SHACL command, from Debian's libapache-jena-java, as a peer for validation.

As shipped, `java -cp '/usr/share/java/*'` loops in SLF4J, and Jena's bundled Xerces looks for
its message and regex resources under xerces/ while the jar keeps them under
org/apache/jena/ext/xerces/ (../shared/reference/tooling-notes.md). So: an explicit classpath
of the Jena jars and their dependencies with slf4j-nop, plus a folder of those resources where
Xerces looks. Install with `apt-get install libapache-jena-java`.
"""

import shutil
import zipfile
from pathlib import Path

JARS = Path("/usr/share/java")
DEPENDENCIES = ("slf4j-api", "slf4j-nop", "commons-cli", "commons-codec", "commons-compress", "commons-io",
                "commons-lang3", "commons-csv", "dexx.collection", "gson", "jackson-core", "jackson-databind",
                "jackson-annotations", "jsonld-java", "httpclient", "httpcore", "caffeine", "protobuf", "thrift", "libthrift",
                "titanium-json-ld", "jakarta.json-api", "guava", "failureaccess")


def command(work: Path) -> list[str] | None:
    """`java -cp ... shacl.shacl`, or None where Java or Jena is not installed."""
    java = shutil.which("java")
    jena = sorted(p for p in JARS.glob("jena-*.jar") if not p.stem.split("-")[-1][:1].isdigit())
    if java is None or not jena:
        return None
    resources = work / "jena-xerces"
    if not resources.exists():
        prefix = "org/apache/jena/ext/xerces/"
        with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
            for name in jar.namelist():
                if name.startswith(prefix) and name.endswith(".properties"):
                    target = resources / "xerces" / name[len(prefix):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(name))
    classpath = [str(p) for p in jena] + [str(JARS / f"{d}.jar") for d in DEPENDENCIES if (JARS / f"{d}.jar").exists()]
    return [java, "-cp", ":".join(classpath + [str(resources)]), "shacl.shacl"]


def version() -> str:
    found = sorted(JARS.glob("jena-shacl-*.jar"))
    return found[-1].stem.removeprefix("jena-shacl-") if found else "not installed"

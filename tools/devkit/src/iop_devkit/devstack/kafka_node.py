"""A single-node KRaft broker run from Maven Central's jars."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from .config import KAFKA_VERSION, LOG4J_VERSION, StackConfig
from .procs import StackError, spawn

POM = """<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>iop.devstack</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
<dependencies>
<dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>{kafka}</version></dependency>
<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>{log4j}</version></dependency>
<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>{log4j}</version></dependency>
</dependencies></project>"""

LOG4J2 = """<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN"><Appenders><Console name="out" target="SYSTEM_OUT">
<PatternLayout pattern="[%d] %p %m (%c)%n"/></Console></Appenders>
<Loggers><Root level="WARN"><AppenderRef ref="out"/></Root>
<Logger name="kafka.server.KafkaRaftServer" level="INFO"/></Loggers></Configuration>"""


def fetch_jars(cfg: StackConfig) -> Path:
    """Download Kafka and log4j from Maven Central into the cache once."""
    libs = cfg.kafka_libs
    if libs.is_dir() and any(libs.glob("kafka_2.13-*.jar")):
        return libs
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            raise StackError(f"{tool} is not installed: Kafka runs from Maven Central's jars and needs Java 17+ "
                             "and Maven (Debian: apt-get install openjdk-17-jre-headless maven)")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "pom.xml").write_text(POM.format(kafka=KAFKA_VERSION, log4j=LOG4J_VERSION))
        libs.parent.mkdir(parents=True, exist_ok=True)
        partial = libs.parent / "libs.partial"
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(["mvn", "-q", "-B", "dependency:copy-dependencies", f"-DoutputDirectory={partial}",
                        "-DincludeScope=runtime"], cwd=tmp, check=True)
        partial.rename(libs)
    return libs


def _properties(cfg: StackConfig, data: Path) -> str:
    return "\n".join([
        "process.roles=broker,controller", "node.id=1",
        f"controller.quorum.bootstrap.servers=127.0.0.1:{cfg.controller_port}",
        f"listeners=PLAINTEXT://127.0.0.1:{cfg.kafka_port},CONTROLLER://127.0.0.1:{cfg.controller_port}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{cfg.kafka_port}",
        "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        f"log.dirs={data}", "num.partitions=1", "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1", "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1", "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1", "group.initial.rebalance.delay.ms=0",
        "log.segment.bytes=67108864", "",
    ])


def start(cfg: StackConfig) -> int:
    """Format storage once and start the broker in the background; return its pid."""
    libs = fetch_jars(cfg)
    root = cfg.home / "kafka"
    data = root / "data"
    props = root / "server.properties"
    root.mkdir(parents=True, exist_ok=True)
    props.write_text(_properties(cfg, data))
    (root / "log4j2.xml").write_text(LOG4J2)
    java = ["java", "-Xms256m", "-Xmx1g", f"-Dlog4j2.configurationFile={root / 'log4j2.xml'}",
            "-Dkafka.logs.dir=" + str(root / "logs"), "-cp", f"{libs}/*"]
    if not (data / "meta.properties").exists():
        subprocess.run([*java, "kafka.tools.StorageTool", "format", "--standalone", "-t", str(uuid.uuid4()),
                        "-c", str(props)], check=True, stdout=subprocess.DEVNULL)
    return spawn([*java, "kafka.Kafka", str(props)], root / "kafka.log")

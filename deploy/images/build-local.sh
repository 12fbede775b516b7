#!/usr/bin/env bash
# Builds one service's image WITHOUT a container registry and loads it into podman (docs/deployment.md, "Images"):
# the base is a Debian bookworm root filesystem with OpenJDK 17 JRE made by mmdebstrap from Debian's packages
# (instead of eclipse-temurin:17-jre from a registry), handed to the same Jib configuration as a tar
# (-Djib.from.image=tar://...). Needs root and the Debian packages mmdebstrap, podman and runc.
#   deploy/images/build-local.sh ingest-gateway
# Then: ContainerImageTest (platform) runs the image against the local broker.
set -euo pipefail
module=${1:?usage: $0 <service module, e.g. ingest-gateway>}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${VITALFLOW_IMAGE_WORK:-$root/target/images}
mkdir -p "$work"
for tool in mmdebstrap podman runc; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install mmdebstrap podman runc)" >&2; exit 2; }
done
if [[ ! -f $work/base.tar ]]; then
  echo "base: Debian bookworm + openjdk-17-jre-headless (mmdebstrap)"
  mmdebstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates --mode=root bookworm "$work/rootfs.tar"
  podman import "$work/rootfs.tar" localhost/vitalflow-base:17
  podman save --format docker-archive -o "$work/base.tar" localhost/vitalflow-base:17
  rm -f "$work/rootfs.tar"
fi
cd "$root"
./mvnw -B -q -Pimages -pl "$module" -am package jib:buildTar -DskipTests -Dspotless.check.skip=true \
  -Djib.from.image="tar://$work/base.tar" -Dgit.commit="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
podman load -i "$module/target/jib-image.tar"
echo "loaded localhost/vitalflow/$module:0.1.0-SNAPSHOT"

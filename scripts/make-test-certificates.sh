#!/bin/sh
# Creates a test CA, a server certificate for localhost and 127.0.0.1, and
# one client certificate per collector name, for trying TLS and mutual TLS.
# The keys are unencrypted and the CA is throw-away: do not use these files
# in production.
#
# usage: sh scripts/make-test-certificates.sh DIR [COLLECTOR_NAME ...]
#        (the default collector name is "collector-1")
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 DIR [COLLECTOR_NAME ...]" >&2
  exit 2
fi
dir=$1
shift
[ $# -gt 0 ] || set -- collector-1
days=${CERT_DAYS:-365}

mkdir -p "$dir"
cd "$dir"
umask 077

# 1. The CA that signs the server and collector certificates.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout ca.key -out ca.pem -days "$days" -subj "/CN=pgAnalytics test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

# 2. The API's server certificate (TLS_CERT_PATH, TLS_KEY_PATH).
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n' > server.ext
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
  -days "$days" -extfile server.ext -out server.pem 2>/dev/null

# 3. One client certificate per collector (MTLS_CLIENT_CERT, MTLS_CLIENT_KEY).
printf 'extendedKeyUsage=clientAuth\n' > client.ext
for name in "$@"; do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$name.key" -out "$name.csr" -subj "/CN=$name" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -days "$days" -extfile client.ext -out "$name.pem" 2>/dev/null
done

rm -f ./*.csr server.ext client.ext
chmod 644 ./*.pem
echo "created in $dir: ca.pem, server.pem, server.key and, per collector, NAME.pem and NAME.key"

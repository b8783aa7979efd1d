#!/usr/bin/env bash
# Issue 8: a real CUPS with a virtual PDF printer, so the printing tests print for real.
# Works on a fresh Debian machine or container without systemd: installs cups and cups-pdf
# when missing, starts cupsd directly, waits for its socket, and adds the queue `esi-pdf`
# whose jobs land as PDF files in $ESI_DOCS_PRINT_OUT (default /var/spool/cups-pdf/esi-docs).
set -euo pipefail

out_dir=${ESI_DOCS_PRINT_OUT:-/var/spool/cups-pdf/esi-docs}
queue=esi-pdf

if ! command -v cupsd >/dev/null || ! command -v lp >/dev/null \
  || [ ! -x /usr/lib/cups/backend/cups-pdf ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cups printer-driver-cups-pdf >/dev/null
fi

# cups-pdf writes every job, whoever sent it, into one folder the tests can read.
mkdir -p "$out_dir"
chmod 0755 "$out_dir"
conf=/etc/cups/cups-pdf.conf
sed -i -E '/^[#[:space:]]*Out[[:space:]]/d; /^[#[:space:]]*AnonDirName[[:space:]]/d' "$conf"
printf 'Out %s\nAnonDirName %s\n' "$out_dir" "$out_dir" >>"$conf"

if ! lpstat -r 2>/dev/null | grep -q "is running"; then
  mkdir -p /run/cups
  cupsd   # forks into the background; no systemd needed
  for _ in $(seq 1 50); do
    [ -S /run/cups/cups.sock ] && lpstat -r 2>/dev/null | grep -q "is running" && break
    sleep 0.2
  done
fi
lpstat -r | grep -q "is running" || { echo "cups-setup: cupsd did not start" >&2; exit 1; }

ppd=$(ls /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd 2>/dev/null || true)
lpadmin -p "$queue" -E -v cups-pdf:/ ${ppd:+-P "$ppd"}
cupsenable "$queue"
cupsaccept "$queue"
lpadmin -d "$queue"
echo "cups-setup: queue $queue ready; jobs arrive in $out_dir"

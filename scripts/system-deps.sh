#!/bin/sh
# System packages the tests use: Chromium for the review UI's browser tests, poppler's pdftoppm and
# LibreOffice (Writer and Calc) to convert .doc/.rtf/.odt/.xls/.ods and to prove redacted PDFs and DOCX
# files render, and a PostgreSQL server (the service's tests start a throwaway cluster of their own;
# nothing is configured system-wide). Tesseract and its English data are what the pipeline itself needs
# to read scanned pages (OCR); without them a scan is refused. Its Latin-script data reads the accents of
# names on them. Installed only when missing, and only where apt-get can run (as root, as on CI);
# elsewhere the tests that need them skip with a reason.
set -e
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v pdftoppm >/dev/null 2>&1 || need="$need poppler-utils"
command -v libreoffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
# Calc: .xls and .ods are converted to .xlsx, and the spreadsheet tests build their fixtures with it
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || [ ! -x /usr/bin/dpkg ] || need="$need libreoffice-calc-nogui"
ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata >/dev/null 2>&1 || need="$need tesseract-ocr tesseract-ocr-eng"
# the Latin-script model reads the accents of names (Wójcik, Seán) that the English model drops
ls /usr/share/tesseract-ocr/*/tessdata/Latin.traineddata >/dev/null 2>&1 || need="$need tesseract-ocr-script-latn"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need="$need postgresql"
[ -z "$need" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing:$need"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
else
  echo "note: missing$need; install them (e.g. sudo apt-get install$need) or the tests that need them will skip" >&2
fi

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

# Tesseract for bill OCR; Pango and HarfBuzz for WeasyPrint's PDF reports.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng libpango-1.0-0 \
       libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install -r requirements.lock
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-at-build-time-only-never-a-runtime-secret \
       python manage.py collectstatic --noinput -v0 \
    && useradd --system --uid 10001 --home-dir /app carbonexia \
    && mkdir -p /data/media /app/var \
    && chown -R carbonexia /data /app/var

USER carbonexia
EXPOSE 8000
CMD ["gunicorn", "carbonexia.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

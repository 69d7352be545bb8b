# Loa's web app, action server and index job (one image, three commands). Python 3.11, no build tools at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LOA_DATA_DIR=/data

WORKDIR /app
RUN useradd --create-home --uid 10001 loa && mkdir -p /data && chown loa /data

COPY pyproject.toml README.md ./
COPY nlu nlu
COPY knowledge_base knowledge_base
COPY indexer indexer
COPY bot bot
COPY bench bench
RUN pip install .

USER loa
VOLUME ["/data"]
EXPOSE 8000 5055
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["loa", "serve", "--host", "0.0.0.0", "--port", "8000"]

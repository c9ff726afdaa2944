from celery import shared_task


@shared_task(name="common.echo")
def echo(value):
    """Round-trips a value through the broker and result backend: proves a worker is alive."""
    return value

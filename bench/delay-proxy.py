#!/usr/bin/env python3
"""A loopback TCP proxy that adds latency, for bench/team.sh (issue 17).

    delay-proxy.py LISTEN_PORT TARGET_PORT DELAY_MS STATS_FILE

Every chunk read from either side is written to the other side DELAY_MS/2 later (order kept), so a round trip costs
DELAY_MS more than on loopback, as on a link to a database in another building or region. Bytes forwarded each way
are written to STATS_FILE every half second ("<client_to_server> <server_to_client>").
"""
import asyncio
import sys
import time

listen_port, target_port, delay_ms, stats_file = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
half = delay_ms / 2000.0
sent = [0, 0]


async def pump(reader, writer, direction):
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
            sent[direction] += len(data)
        writer.close()

    task = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(256 * 1024)
            if not data:
                break
            await queue.put((time.monotonic() + half, data))
    except ConnectionError:
        pass
    await queue.put((0, None))
    try:
        await task
    except ConnectionError:
        pass


async def handle(client_reader, client_writer):
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pump(client_reader, server_writer, 0), pump(server_reader, client_writer, 1))


async def stats():
    while True:
        with open(stats_file, "w") as f:
            f.write(f"{sent[0]} {sent[1]}\n")
        await asyncio.sleep(0.5)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
    asyncio.create_task(stats())
    async with server:
        await server.serve_forever()


asyncio.run(main())

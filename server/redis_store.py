"""Sessions in Redis (``--store redis://host:port/db``): any worker, on any host, serves any session.

Keys (``bp:`` prefix):
    bp:session:<id>   hash: ``record`` (server.stored) and ``gen``, bumped on every save; expires after
                      ``session_ttl`` without a save or a holder
    bp:lease:<id>     the token of the one worker that holds the session; expires after ``lease_seconds``
                      unless that worker renews it
    bp:handoff:<token>  pub/sub channel: "let go of <id>", sent to the holder by a worker that needs it

Only the holder changes a session, and only the holder's saves land (the save checks the lease in the
same Lua call), so two workers never train one session at once. A worker that needs a session another
holds asks over the channel; the holder lets go on its compute lane (after the work queued before, with a
last save), and the asker takes the lease and loads the record. A holder that died stops renewing: its
leases expire and the next asker takes over from the last save — at most a second of play.
"""
from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time

import redis
import redis.asyncio

from server import stored
from server.sessions import CapacityError, Session, SessionStore
from server.settings import Settings

PREFIX = "bp:"
HANDOFF_PATIENCE = 10.0  # seconds to wait, beyond one lease, for a busy holder to let go

# KEYS: record, lease; ARGV: token, record, ttl ms → the new gen, or -1 when the lease is not ours.
SAVE = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
local gen = redis.call('HINCRBY', KEYS[1], 'gen', 1)
redis.call('HSET', KEYS[1], 'record', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return gen
"""
# KEYS: lease; ARGV: token → 1 when the lease was ours and is gone.
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
# KEYS: lease, record; ARGV: token, lease ms, ttl ms → 1 while the lease is ours (renewed).
RENEW = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""


def record_key(session_id: str) -> str:
    return f"{PREFIX}session:{session_id}"


def lease_key(session_id: str) -> str:
    return f"{PREFIX}lease:{session_id}"


class RedisStore(SessionStore):
    durable = True

    def __init__(self, settings: Settings, url: str):
        super().__init__(settings)
        self.url = url
        self.sync = redis.Redis.from_url(url)  # the compute lane's saves
        self.aio = redis.asyncio.Redis.from_url(url)  # leases and look-ups from the event loop
        self.token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._held: set[str] = set()
        self._gen: dict[str, int] = {}  # the stored gen this process's copy of each session matches
        self._holding: dict[str, asyncio.Lock] = {}
        self._tasks: list[asyncio.Task] = []
        self._save = self.sync.register_script(SAVE)
        self._release = self.sync.register_script(RELEASE)
        self._renew = self.aio.register_script(RENEW)
        self.lease_ms = int(settings.lease_seconds * 1000)
        self.ttl_ms = int(settings.session_ttl * 1000)

    async def start(self) -> None:
        await self.aio.ping()  # a wrong URL fails at start, not at a learner's first click
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._renew_leases()), loop.create_task(self._listen())]

    # ----- holding --------------------------------------------------------------------------------
    def holds(self, session: Session) -> bool:
        return session.id in self._held

    def _claim(self, session: Session) -> None:
        self.sync.set(lease_key(session.id), self.token, px=self.lease_ms)  # a fresh random id: nobody else has it
        self._held.add(session.id)

    async def get(self, session_id: str) -> Session | None:
        await self._expire()
        session = self._sessions.get(session_id)
        if session is None:
            if not await self.aio.exists(record_key(session_id)):
                return None
            session = Session.__new__(Session)
            session.id = session_id
        elif session_id in self._held and await self.aio.get(lease_key(session_id)) != self.token.encode():
            self._held.discard(session_id)  # deleted, or taken over while this worker stalled
        if not await self._hold(session):
            self._sessions.pop(session_id, None)
            return None
        if session_id not in self._sessions:
            await self._make_room()
            self._sessions[session_id] = session
        session.touch()
        self._sessions.move_to_end(session_id)
        return session

    async def hold(self, session: Session) -> None:
        if session.id not in self._held and not await self._hold(session):
            raise CapacityError(f"session '{session.id}' is gone (deleted or expired)")

    async def _hold(self, session: Session) -> bool:
        """Take the lease (asking its holder to let go) and the stored state; False if there is none."""
        lock = self._holding.setdefault(session.id, asyncio.Lock())
        async with lock:
            if session.id in self._held:
                return True
            await self._acquire(session.id)
            gen, record = await self.aio.hmget(record_key(session.id), ["gen", "record"])
            if record is None:
                await self.aio.eval(RELEASE, 1, lease_key(session.id), self.token)
                return False
            if int(gen) != self._gen.get(session.id):
                stored.load(record, into=session)
                self._gen[session.id] = int(gen)
            self._held.add(session.id)
            return True

    async def _acquire(self, session_id: str) -> None:
        key, began, asked, delay = lease_key(session_id), time.monotonic(), -1.0, 0.001
        while not await self.aio.set(key, self.token, nx=True, px=self.lease_ms):
            now = time.monotonic()
            if now - began > self.settings.lease_seconds + HANDOFF_PATIENCE:
                raise CapacityError(f"session '{session_id}' is busy on another worker; try again")
            if now - asked > 0.25:  # ask (again: a message may be missed while a worker starts)
                holder = await self.aio.get(key)
                if holder is not None:
                    await self.aio.publish(f"{PREFIX}handoff:{holder.decode()}", session_id)
                asked = now
            await asyncio.sleep(delay)
            delay = min(2 * delay, 0.02)

    def save(self, session: Session) -> bool:
        """On the lane: write the record if this process still holds the lease (else stop holding)."""
        if session.id not in self._held:
            return False
        gen = self._save(keys=[record_key(session.id), lease_key(session.id)],
                         args=[self.token, stored.dump(session), self.ttl_ms])
        if gen < 0:
            self._held.discard(session.id)  # the lease expired under us and another worker took it
            return False
        self._gen[session.id] = gen
        return True

    def let_go(self, session: Session) -> None:
        """On the lane: a last save, then the lease goes; the next change here takes it back."""
        if self.save(session):
            self._release(keys=[lease_key(session.id)], args=[self.token])
        self._held.discard(session.id)

    # ----- background -----------------------------------------------------------------------------
    async def _renew_leases(self) -> None:
        """Every third of a lease, renew all held leases in one round trip (however many sessions)."""
        while True:
            await asyncio.sleep(self.settings.lease_seconds / 3)
            held = list(self._held)
            if not held:
                continue
            try:
                async with self.aio.pipeline(transaction=False) as pipe:
                    for session_id in held:
                        await self._renew(keys=[lease_key(session_id), record_key(session_id)],
                                          args=[self.token, self.lease_ms, self.ttl_ms], client=pipe)
                    kept = await pipe.execute()
            except redis.RedisError:
                continue  # Redis away for a moment: the saves will tell
            self._held.difference_update(s for s, ok in zip(held, kept) if not ok)

    async def reclaim(self, session: Session) -> bool:
        """Hold ``session`` again if its lease lapsed and nobody took it (a stall, not a handoff)."""
        if session.id in self._held:
            return True
        if await self.aio.set(lease_key(session.id), self.token, nx=True, px=self.lease_ms):
            gen = await self.aio.hget(record_key(session.id), "gen")
            if gen is not None and int(gen) == self._gen.get(session.id):
                self._held.add(session.id)
                return True  # nothing changed meanwhile: this copy is the stored one
            await self.aio.eval(RELEASE, 1, lease_key(session.id), self.token)
        return False

    async def _listen(self) -> None:
        """Let go of sessions other workers ask for."""
        pubsub = self.aio.pubsub()
        await pubsub.subscribe(f"{PREFIX}handoff:{self.token}")
        async for message in pubsub.listen():
            if message["type"] != "message":
                continue
            session = self._sessions.get(message["data"].decode())
            if session is not None and session.id in self._held and self.release is not None:
                asyncio.get_running_loop().create_task(self.release(session))

    # ----- leaving --------------------------------------------------------------------------------
    async def _evict(self, session: Session) -> None:
        if self.release is not None and session.id in self._held:
            await self.release(session)
        self._gen.pop(session.id, None)
        self._holding.pop(session.id, None)

    async def delete(self, session_id: str) -> bool:
        session = self._sessions.pop(session_id, None)
        if session is not None:
            self._held.discard(session_id)
            session.pause()
        holder = await self.aio.get(lease_key(session_id))
        removed = await self.aio.delete(record_key(session_id), lease_key(session_id))
        if holder is not None and holder != self.token.encode():
            await self.aio.publish(f"{PREFIX}handoff:{holder.decode()}", session_id)  # its play stops now
        return bool(removed)

    async def close(self) -> None:
        """Save and let go of every held session, so another worker (or a restart) takes over at once."""
        for task in self._tasks:
            task.cancel()
        for session in list(self._sessions.values()):
            if session.id in self._held:
                try:
                    self.let_go(session)
                except redis.RedisError:
                    pass
        await self.aio.aclose()
        self.sync.close()

package main

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// ---- the locking proxy ----
//
// FerretDB v1 runs a write as "query, then write" without a transaction (FerretDB issue #3040),
// and pushes down to SQL only a filter that is exactly {_id: <string or ObjectId>}. The proxy
// sits in front of it and gives every command the isolation MongoDB gives it:
//
//   - reads (find, aggregate, count, getMore, …) take no lock: FerretDB writes a document in one
//     SQL statement, so a read sees it whole, before or after;
//   - a single-document write whose filter pins _id (update, delete and findAndModify of one
//     statement; an insert of one document) holds that document's lock and its collection's
//     lock shared. When the filter has more than _id ({_id, revision}), the proxy first reads the
//     document by _id alone and checks the rest of the filter ($match), then sends the write with
//     the filter {_id} — both by _id, so neither scans — or answers "nothing matched" itself;
//   - any other write (several statements, a filter without _id) holds its collection's lock
//     exclusively, so it cannot interleave with a pinned write on a document it may touch;
//   - anything else (create, drop, createIndexes, unknown commands) holds every lock.
//
// With -serialize every command holds every lock (one command at a time), for comparison.

type lockKind int

const (
	lockNone       lockKind = iota // reads
	lockShared                     // a pinned write or an insert: collection shared
	lockCollection                 // any other write to one collection: collection exclusive
	lockAll                        // DDL and commands we do not know: exclusive over everything
)

// readCommands run without a lock; every name here is a read or a connection/session command.
var readCommands = map[string]bool{
	"find": true, "aggregate": true, "count": true, "distinct": true, "getMore": true,
	"killCursors": true, "listCollections": true, "listIndexes": true, "listDatabases": true,
	"hello": true, "isMaster": true, "ismaster": true, "ping": true, "buildInfo": true,
	"buildinfo": true, "endSessions": true, "saslStart": true, "saslContinue": true,
	"getParameter": true, "getLog": true, "hostInfo": true, "connectionStatus": true,
	"explain": true, "dbStats": true, "collStats": true, "serverStatus": true, "whatsmyuri": true,
	"getCmdLineOpts": true, "dataSize": true, "getFreeMonitoringStatus": true,
}

// plan says how one command is run.
type plan struct {
	kind     lockKind
	coll     string // "db.collection" for lockShared and lockCollection
	doc      string // the pinned document's lock key, "" for none
	guarded  *guardedWrite
	database string
	drops    bool // drop, dropDatabase or renameCollection: tables go away
}

// guardedWrite is a single-document write whose filter is {_id: id, ...rest}.
type guardedWrite struct {
	id   bsoncore.Value
	rest bsoncore.Document
	// withIDFilter is the command's body with the filter {_id: id}.
	withIDFilter func() []byte
	// noMatch is the reply body MongoDB gives when the filter matches nothing; nil when that
	// case must go to FerretDB (an upsert inserts).
	noMatch func() []byte
}

func planFor(c *command, serialize bool) plan {
	if serialize {
		return plan{kind: lockAll}
	}
	name := c.name()
	if readCommands[name] {
		if name == "aggregate" && writesOut(c) {
			return plan{kind: lockAll}
		}
		return plan{kind: lockNone}
	}
	db, coll := c.target()
	ns := db + "." + coll
	switch name {
	case "insert":
		p := plan{kind: lockShared, coll: ns}
		if docs := c.list("documents"); len(docs) == 1 {
			if id, ok := pinnedID(docs[0].Lookup("_id")); ok {
				p.doc = ns + "\x00" + idKey(id)
			}
		}
		return p
	case "update":
		stmts := c.list("updates")
		if len(stmts) != 1 {
			return plan{kind: lockCollection, coll: ns}
		}
		s := stmts[0]
		if multi, _ := s.Lookup("multi").BooleanOK(); multi {
			return plan{kind: lockCollection, coll: ns}
		}
		upsert, _ := s.Lookup("upsert").BooleanOK()
		u := s.Lookup("u")
		return pinned(ns, db, s.Lookup("q"), !bytes.Contains(u.Data, []byte(".$")), upsert,
			func(filter []byte) []byte {
				stmt := replaceFields(s, map[string]bsoncore.Value{"q": docValue(filter)})
				return replaceFields(c.body, map[string]bsoncore.Value{"updates": arrayOf(stmt)})
			},
			func() []byte {
				return bsoncore.NewDocumentBuilder().AppendInt32("n", 0).AppendInt32("nModified", 0).
					AppendDouble("ok", 1).Build()
			})
	case "delete":
		stmts := c.list("deletes")
		if len(stmts) != 1 {
			return plan{kind: lockCollection, coll: ns}
		}
		s := stmts[0]
		return pinned(ns, db, s.Lookup("q"), true, false,
			func(filter []byte) []byte {
				stmt := replaceFields(s, map[string]bsoncore.Value{"q": docValue(filter)})
				return replaceFields(c.body, map[string]bsoncore.Value{"deletes": arrayOf(stmt)})
			},
			func() []byte {
				return bsoncore.NewDocumentBuilder().AppendInt32("n", 0).AppendDouble("ok", 1).Build()
			})
	case "findAndModify", "findandmodify":
		upsert, _ := c.body.Lookup("upsert").BooleanOK()
		remove, _ := c.body.Lookup("remove").BooleanOK()
		u := c.body.Lookup("update")
		return pinned(ns, db, c.body.Lookup("query"), !bytes.Contains(u.Data, []byte(".$")), upsert,
			func(filter []byte) []byte {
				return replaceFields(c.body, map[string]bsoncore.Value{"query": docValue(filter)})
			},
			func() []byte {
				leo := bsoncore.NewDocumentBuilder().AppendInt32("n", 0)
				if !remove {
					leo = leo.AppendBoolean("updatedExisting", false)
				}
				return bsoncore.NewDocumentBuilder().AppendDocument("lastErrorObject", leo.Build()).
					AppendNull("value").AppendDouble("ok", 1).Build()
			})
	}
	switch name {
	case "drop", "dropDatabase", "renameCollection":
		return plan{kind: lockAll, drops: true}
	}
	return plan{kind: lockAll}
}

// safePlanFor is planFor, or "lock everything" for a command it cannot read.
func safePlanFor(c *command, serialize bool) (pl plan) {
	defer func() {
		if recover() != nil {
			pl = plan{kind: lockAll}
		}
	}()
	return planFor(c, serialize)
}

// pinned plans a single-document write by its filter q.
func pinned(ns, db string, q bsoncore.Value, rewritable, upsert bool,
	withFilter func([]byte) []byte, noMatch func() []byte,
) plan {
	filter, ok := q.DocumentOK()
	if !ok {
		return plan{kind: lockCollection, coll: ns}
	}
	id, ok := pinnedID(filter.Lookup("_id"))
	if !ok {
		return plan{kind: lockCollection, coll: ns}
	}
	p := plan{kind: lockShared, coll: ns, doc: ns + "\x00" + idKey(id), database: db}
	rest := replaceFields(filter, nil, "_id")
	if len(rest) > 5 && rewritable { // more than {_id}: check it, then write by _id
		g := &guardedWrite{id: id, rest: rest}
		g.withIDFilter = func() []byte { return withFilter(idFilter(id)) }
		if !upsert {
			g.noMatch = noMatch
		}
		p.guarded = g
	}
	return p
}

// pinnedID accepts the _id values FerretDB pushes down to SQL (and that compare by their bytes).
func pinnedID(v bsoncore.Value) (bsoncore.Value, bool) {
	switch v.Type {
	case bsontype.String, bsontype.ObjectID:
		return v, true
	}
	return v, false
}

func idKey(v bsoncore.Value) string { return string(append([]byte{byte(v.Type)}, v.Data...)) }

func idFilter(id bsoncore.Value) []byte {
	return bsoncore.NewDocumentBuilder().AppendValue("_id", id).Build()
}

func writesOut(c *command) bool {
	arr, ok := c.body.Lookup("pipeline").ArrayOK()
	return !ok || bytes.Contains(arr, []byte("$out\x00")) || bytes.Contains(arr, []byte("$merge\x00"))
}

// ---- locks ----

type refMutex struct {
	sync.RWMutex
	refs int
}

// keyedLocks hands out one RWMutex per key, dropped when nobody holds or waits for it.
type keyedLocks struct {
	mu sync.Mutex
	m  map[string]*refMutex
}

func (k *keyedLocks) get(key string) *refMutex {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]*refMutex{}
	}
	l := k.m[key]
	if l == nil {
		l = &refMutex{}
		k.m[key] = l
	}
	l.refs++
	return l
}

func (k *keyedLocks) put(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if l := k.m[key]; l != nil {
		if l.refs--; l.refs == 0 {
			delete(k.m, key)
		}
	}
}

type proxy struct {
	backend   string
	logger    *slog.Logger
	serialize bool
	indexer   *idIndexer

	seen sync.Map // namespaces written to: the first write asks the indexer to look

	gate  sync.RWMutex // every command holds it shared; shutdown takes it to stop new ones
	all   sync.RWMutex // lockAll holds it exclusively, every other write shared
	colls keyedLocks
	docs  keyedLocks

	internalID atomic.Int32 // request ids of the proxy's own commands (negative, never a driver's)

	scans scanLog // commands FerretDB runs by reading a whole collection (scans.go)

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// acquire takes the locks of a plan and returns their release.
func (p *proxy) acquire(pl plan) func() {
	switch pl.kind {
	case lockNone:
		return func() {}
	case lockAll:
		p.all.Lock()
		return p.all.Unlock
	}
	p.all.RLock()
	c := p.colls.get(pl.coll)
	if pl.kind == lockCollection {
		c.Lock()
		return func() { c.Unlock(); p.colls.put(pl.coll); p.all.RUnlock() }
	}
	c.RLock()
	if pl.doc == "" {
		return func() { c.RUnlock(); p.colls.put(pl.coll); p.all.RUnlock() }
	}
	d := p.docs.get(pl.doc)
	d.Lock()
	return func() {
		d.Unlock()
		p.docs.put(pl.doc)
		c.RUnlock()
		p.colls.put(pl.coll)
		p.all.RUnlock()
	}
}

func (p *proxy) serve(l net.Listener) {
	for {
		client, err := l.Accept()
		if err != nil {
			return // listener closed
		}
		go p.handle(client)
	}
}

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		_ = c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	_ = c.Close()
}

// shutdown waits (up to grace) for the commands in flight, then closes every connection.
func (p *proxy) shutdown(grace time.Duration) {
	idle := make(chan struct{})
	go func() { p.gate.Lock(); close(idle) }() // held forever: no command starts after this
	select {
	case <-idle:
	case <-time.After(grace):
	}
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
}

func (p *proxy) handle(client net.Conn) {
	if !p.track(client) {
		return
	}
	defer p.untrack(client)
	server, err := net.Dial("tcp", p.backend)
	if err != nil {
		p.logger.Warn("cannot reach FerretDB", "error", err)
		return
	}
	if !p.track(server) {
		return
	}
	defer p.untrack(server)

	for {
		req, err := readMessage(client)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				p.logger.Debug("client connection ended", "error", err)
			}
			return
		}
		if err = p.run(req, client, server); err != nil {
			p.logger.Debug("proxied connection ended", "error", err)
			return
		}
	}
}

// run executes one client request under the locks its plan needs.
func (p *proxy) run(req []byte, client, server net.Conn) error {
	p.gate.RLock()
	defer p.gate.RUnlock()

	pl := plan{kind: lockAll}
	c, err := parseCommand(req)
	if err == nil {
		if c.name() == scansCommand {
			reset, _ := c.body.Lookup("reset").BooleanOK()
			_, err = client.Write(encodeMsg(p.nextID(), requestID(req), p.scans.reply(reset)))
			return err
		}
		pl = safePlanFor(c, p.serialize)
	} else {
		c = nil
	}
	release := p.acquire(pl)
	err = p.execute(pl, c, req, client, server)
	release()

	if pl.drops {
		p.seen.Clear() // tables are gone: the next write to each collection looks again
	}
	if err == nil && pl.coll != "" && p.indexer != nil {
		if _, known := p.seen.LoadOrStore(pl.coll, true); !known {
			p.indexer.ensure() // a new collection's table: index its _id before the next lookup
		}
	}
	return err
}

// execute runs one request under its plan's locks: a guarded write is checked by _id first.
// c is the parsed request (nil when it could not be read).
func (p *proxy) execute(pl plan, c *command, req []byte, client, server net.Conn) error {
	if g := pl.guarded; g != nil && !isMoreToCome(req) {
		matched, err := p.check(server, pl.database, pl.coll[len(pl.database)+1:], g)
		switch {
		case err != nil:
			p.logger.Debug("guard check failed; sending the write as it is", "error", err)
		case matched:
			req = encodeMsg(requestID(req), 0, g.withIDFilter())
			c = nil // by _id: no scan
		case g.noMatch != nil:
			_, err = client.Write(encodeMsg(p.nextID(), requestID(req), g.noMatch()))
			return err
		}
	}
	if c != nil {
		p.recordScans(c)
	}
	return forward(req, client, server)
}

func (p *proxy) recordScans(c *command) {
	defer func() { _ = recover() }() // a command we cannot read is FerretDB's to refuse
	shapes := scans(c)
	if len(shapes) == 0 {
		return
	}
	db, coll := c.target()
	for _, shape := range shapes {
		p.scans.record(db+"."+coll, c.name(), shape)
		p.logger.Debug("scan", "ns", db+"."+coll, "command", c.name(), "filter", shape)
	}
}

func isOK(v bsoncore.Value) bool {
	if f, ok := v.DoubleOK(); ok {
		return f == 1
	}
	if i, ok := v.AsInt64OK(); ok {
		return i == 1
	}
	return false
}

func (p *proxy) nextID() int32 { return -1 - (p.internalID.Add(1) & 0x3fffffff) }

// check reads the document by _id alone and tells whether it matches the rest of the filter.
func (p *proxy) check(server net.Conn, db, coll string, g *guardedWrite) (bool, error) {
	match := func(f []byte) []byte {
		return bsoncore.NewDocumentBuilder().AppendDocument("$match", f).Build()
	}
	pipeline := []byte(arrayOf(
		match(idFilter(g.id)),
		match(g.rest),
		bsoncore.NewDocumentBuilder().AppendInt32("$limit", 1).Build(),
		bsoncore.NewDocumentBuilder().AppendDocument("$project",
			bsoncore.NewDocumentBuilder().AppendInt32("_id", 1).Build()).Build(),
	).Data)
	body := bsoncore.NewDocumentBuilder().
		AppendString("aggregate", coll).
		AppendArray("pipeline", pipeline).
		AppendDocument("cursor", bsoncore.NewDocumentBuilder().Build()).
		AppendString("$db", db).
		Build()
	if _, err := server.Write(encodeMsg(p.nextID(), 0, body)); err != nil {
		return false, err
	}
	reply, err := readMessage(server)
	if err != nil {
		return false, err
	}
	rc, err := parseCommand(reply)
	if err != nil {
		return false, err
	}
	if !isOK(rc.body.Lookup("ok")) {
		return false, errors.New("aggregate failed: " + rc.body.String())
	}
	batch, ok := rc.body.Lookup("cursor", "firstBatch").ArrayOK()
	if !ok {
		return false, errors.New("aggregate reply without cursor.firstBatch")
	}
	vals, err := batch.Values()
	if err != nil {
		return false, err
	}
	return len(vals) > 0, nil
}

// forward sends one request and relays every reply to it.
func forward(req []byte, client, server net.Conn) error {
	if _, err := server.Write(req); err != nil {
		return err
	}
	if isMoreToCome(req) { // fire-and-forget (w: 0): no reply
		return nil
	}
	for {
		reply, err := readMessage(server)
		if err != nil {
			return err
		}
		if _, err = client.Write(reply); err != nil {
			return err
		}
		if !isMoreToCome(reply) { // a streamed (exhaust) reply continues while moreToCome is set
			return nil
		}
	}
}

package main

import (
	"sort"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// ---- seeing scans ----
//
// FerretDB v1 (SQLite) pushes a filter down to SQL only when it is exactly {_id: <string or
// ObjectId>} (backends/sqlite/collection.go), and a limit only when there is no filter, sort or
// skip; every other read, count, update or delete reads the whole collection and filters in Go.
// The proxy sees every command FerretDB gets (after it rewrote guarded writes to {_id}), so it
// counts here each command that will read a whole collection, by namespace, command and filter
// shape (the filter with its values replaced by their types). Tests read and clear the counts with
// the command {lgspScans: 1} (and {lgspScans: 1, reset: true}); MongoDB has no such command.

const scansCommand = "lgspScans"

type scanKey struct{ ns, command, shape string }

type scanLog struct {
	mu     sync.Mutex
	counts map[scanKey]int
}

func (s *scanLog) record(ns, command, shape string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = map[scanKey]int{}
	}
	s.counts[scanKey{ns, command, shape}]++
}

// reply answers {lgspScans: 1, reset: <bool>}: {scans: [{ns, command, filter, count}], ok: 1},
// sorted by namespace, command and shape.
func (s *scanLog) reply(reset bool) []byte {
	s.mu.Lock()
	keys := make([]scanKey, 0, len(s.counts))
	for k := range s.counts {
		keys = append(keys, k)
	}
	counts := s.counts
	if reset {
		s.counts = nil
	}
	s.mu.Unlock()
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.ns != b.ns {
			return a.ns < b.ns
		}
		if a.command != b.command {
			return a.command < b.command
		}
		return a.shape < b.shape
	})
	docs := make([][]byte, 0, len(keys))
	for _, k := range keys {
		docs = append(docs, bsoncore.NewDocumentBuilder().
			AppendString("ns", k.ns).
			AppendString("command", k.command).
			AppendString("filter", k.shape).
			AppendInt64("count", int64(counts[k])).
			Build())
	}
	return bsoncore.NewDocumentBuilder().
		AppendArray("scans", arrayOf(docs...).Data).
		AppendDouble("ok", 1).
		Build()
}

// scans lists the filters of a command that FerretDB will not push down (one per statement), as
// shapes; nil when the command reads by _id, reads with a pushed-down limit, or does not read.
func scans(c *command) []string {
	var filters []bsoncore.Value
	switch c.name() {
	case "find":
		f := c.body.Lookup("filter")
		if isEmptyDoc(f) && isEmptyDoc(c.body.Lookup("sort")) && number(c.body.Lookup("skip")) == 0 &&
			number(c.body.Lookup("limit")) > 0 {
			return nil // the limit goes down to SQL: a bounded read
		}
		filters = append(filters, f)
	case "count", "distinct":
		filters = append(filters, c.body.Lookup("query"))
	case "findAndModify", "findandmodify":
		filters = append(filters, c.body.Lookup("query"))
	case "update", "delete":
		field := "updates"
		if c.name() == "delete" {
			field = "deletes"
		}
		for _, s := range c.list(field) {
			filters = append(filters, s.Lookup("q"))
		}
	case "aggregate":
		if writesOut(c) {
			return []string{"pipeline with $out or $merge"}
		}
		if collStatsOnly(c) {
			return nil
		}
		filters = append(filters, pushedMatch(c))
	default:
		return nil
	}
	var out []string
	for _, f := range filters {
		if !pushedDown(f) {
			out = append(out, shapeOf(f))
		}
	}
	return out
}

// pushedDown: FerretDB's SQLite backend queries by _id only for a filter of that one key, a string
// or an ObjectId.
func pushedDown(f bsoncore.Value) bool {
	doc, ok := f.DocumentOK()
	if !ok {
		return false
	}
	elems, err := doc.Elements()
	if err != nil || len(elems) != 1 || elems[0].Key() != "_id" {
		return false
	}
	_, ok = pinnedID(elems[0].Value())
	return ok
}

// pushedMatch is the $match FerretDB takes from the first two stages of a pipeline (a $match,
// possibly after a $sort): aggregations.GetPushdownQuery.
func pushedMatch(c *command) bsoncore.Value {
	arr, ok := c.body.Lookup("pipeline").ArrayOK()
	if !ok {
		return bsoncore.Value{}
	}
	stages, _ := arr.Values()
	for i, s := range stages {
		if i == 2 {
			break
		}
		d, ok := s.DocumentOK()
		if !ok {
			break
		}
		if m := d.Lookup("$match"); m.Type == bsontype.EmbeddedDocument {
			return m
		}
		if d.Lookup("$sort").Type == 0 {
			break
		}
	}
	return bsoncore.Value{}
}

// collStatsOnly: a pipeline of $collStats stages reads statistics, not documents.
func collStatsOnly(c *command) bool {
	arr, ok := c.body.Lookup("pipeline").ArrayOK()
	if !ok {
		return false
	}
	stages, _ := arr.Values()
	for _, s := range stages {
		d, ok := s.DocumentOK()
		if !ok || d.Lookup("$collStats").Type == 0 {
			return false
		}
	}
	return len(stages) > 0
}

func isEmptyDoc(v bsoncore.Value) bool {
	if v.Type == 0 {
		return true
	}
	d, ok := v.DocumentOK()
	if !ok {
		return false
	}
	elems, err := d.Elements()
	return err == nil && len(elems) == 0
}

func number(v bsoncore.Value) int64 {
	if i, ok := v.AsInt64OK(); ok {
		return i
	}
	if f, ok := v.DoubleOK(); ok {
		return int64(f)
	}
	return 0
}

// shapeOf writes a filter with its values replaced by their types: {status: string, at: {$lte: date}}.
func shapeOf(v bsoncore.Value) string {
	var b strings.Builder
	writeShape(&b, v)
	return b.String()
}

func writeShape(b *strings.Builder, v bsoncore.Value) {
	switch v.Type {
	case 0:
		b.WriteString("{}")
	case bsontype.EmbeddedDocument:
		elems, _ := v.Document().Elements()
		b.WriteByte('{')
		for i, e := range elems {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(e.Key())
			b.WriteString(": ")
			writeShape(b, e.Value())
		}
		b.WriteByte('}')
	case bsontype.Array:
		vals, _ := v.Array().Values()
		if len(vals) > 0 && (vals[0].Type == bsontype.EmbeddedDocument || vals[0].Type == bsontype.Array) {
			b.WriteByte('[')
			for i, e := range vals {
				if i > 0 {
					b.WriteString(", ")
				}
				writeShape(b, e)
			}
			b.WriteByte(']')
			return
		}
		b.WriteString("array")
	case bsontype.String:
		b.WriteString("string")
	case bsontype.ObjectID:
		b.WriteString("objectId")
	case bsontype.Int32, bsontype.Int64, bsontype.Double, bsontype.Decimal128:
		b.WriteString("number")
	case bsontype.Boolean:
		b.WriteString("bool")
	case bsontype.DateTime, bsontype.Timestamp:
		b.WriteString("date")
	case bsontype.Null:
		b.WriteString("null")
	case bsontype.Regex:
		b.WriteString("regex")
	default:
		b.WriteString(v.Type.String())
	}
}

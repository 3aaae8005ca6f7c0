package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

// The MongoDB wire protocol, as far as the proxy needs it: whole messages, and the sections of
// an OP_MSG (one body document, and document sequences such as an insert's "documents").

const (
	opMsg           = 2013
	checksumPresent = 1 << 0
	moreToCome      = 1 << 1
	maxMsgLength    = 48_000_000
)

// readMessage reads one wire protocol message: a 16-byte header starting with its total length.
func readMessage(r io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	length := int(int32(binary.LittleEndian.Uint32(header[0:4])))
	if length < len(header) || length > maxMsgLength {
		return nil, fmt.Errorf("bad message length %d", length)
	}
	msg := make([]byte, length)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[len(header):]); err != nil {
		return nil, err
	}
	return msg, nil
}

func isMoreToCome(msg []byte) bool {
	return len(msg) >= 20 &&
		binary.LittleEndian.Uint32(msg[12:16]) == opMsg &&
		binary.LittleEndian.Uint32(msg[16:20])&moreToCome != 0
}

func requestID(msg []byte) int32 { return int32(binary.LittleEndian.Uint32(msg[4:8])) }

// command is a parsed OP_MSG request.
type command struct {
	flags uint32
	body  bsoncore.Document
	seqs  map[string][]bsoncore.Document // document sequences by identifier
}

var errNotOpMsg = errors.New("not an OP_MSG")

// parseCommand splits an OP_MSG into its sections. Anything else (legacy opcodes, checksummed
// messages) returns errNotOpMsg, and the proxy treats it as a command it does not understand.
func parseCommand(msg []byte) (*command, error) {
	if len(msg) < 21 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return nil, errNotOpMsg
	}
	c := &command{flags: binary.LittleEndian.Uint32(msg[16:20])}
	if c.flags&checksumPresent != 0 {
		return nil, errNotOpMsg
	}
	rest := msg[20:]
	for len(rest) > 0 {
		kind := rest[0]
		rest = rest[1:]
		switch kind {
		case 0:
			doc, r, ok := bsoncore.ReadDocument(rest)
			if !ok || c.body != nil {
				return nil, errors.New("bad OP_MSG body section")
			}
			c.body, rest = doc, r
		case 1:
			if len(rest) < 4 {
				return nil, errors.New("bad OP_MSG sequence section")
			}
			size := int(int32(binary.LittleEndian.Uint32(rest)))
			if size < 5 || size > len(rest) {
				return nil, errors.New("bad OP_MSG sequence size")
			}
			sec := rest[4:size]
			rest = rest[size:]
			end := bytes.IndexByte(sec, 0)
			if end < 0 {
				return nil, errors.New("bad OP_MSG sequence identifier")
			}
			id := string(sec[:end])
			sec = sec[end+1:]
			var ok bool
			if c.seqs == nil {
				c.seqs = map[string][]bsoncore.Document{}
			}
			for len(sec) > 0 {
				var doc bsoncore.Document
				if doc, sec, ok = bsoncore.ReadDocument(sec); !ok {
					return nil, errors.New("bad OP_MSG sequence document")
				}
				c.seqs[id] = append(c.seqs[id], doc)
			}
		default:
			return nil, fmt.Errorf("unknown OP_MSG section kind %d", kind)
		}
	}
	if c.body == nil {
		return nil, errors.New("OP_MSG without a body")
	}
	return c, nil
}

// name is the command's name: the body's first key.
func (c *command) name() string {
	e, err := c.body.IndexErr(0)
	if err != nil {
		return ""
	}
	return e.Key()
}

// target is the collection a collection command names, with its database.
func (c *command) target() (db, coll string) {
	db, _ = c.body.Lookup("$db").StringValueOK()
	if e, err := c.body.IndexErr(0); err == nil {
		coll, _ = e.Value().StringValueOK()
	}
	return db, coll
}

// list returns the documents of an array field given in the body or as a document sequence
// (drivers may send an insert's "documents" or an update's "updates" either way).
func (c *command) list(field string) []bsoncore.Document {
	if docs, ok := c.seqs[field]; ok {
		return docs
	}
	arr, ok := c.body.Lookup(field).ArrayOK()
	if !ok {
		return nil
	}
	vals, err := arr.Values()
	if err != nil {
		return nil
	}
	docs := make([]bsoncore.Document, 0, len(vals))
	for _, v := range vals {
		d, ok := v.DocumentOK()
		if !ok {
			return nil
		}
		docs = append(docs, d)
	}
	return docs
}

// encodeMsg builds an OP_MSG with one body section and no sequences.
func encodeMsg(reqID, responseTo int32, body []byte) []byte {
	msg := make([]byte, 21, 21+len(body))
	binary.LittleEndian.PutUint32(msg[0:4], uint32(21+len(body)))
	binary.LittleEndian.PutUint32(msg[4:8], uint32(reqID))
	binary.LittleEndian.PutUint32(msg[8:12], uint32(responseTo))
	binary.LittleEndian.PutUint32(msg[12:16], opMsg)
	// flags 0, section kind 0
	return append(msg, body...)
}

// replaceFields copies doc, replacing the value of each field named in repl (fields named in
// repl but absent are appended) and leaving out the fields named in drop.
func replaceFields(doc bsoncore.Document, repl map[string]bsoncore.Value, drop ...string) bsoncore.Document {
	elems, _ := doc.Elements()
	idx, out := bsoncore.AppendDocumentStart(nil)
	done := map[string]bool{}
next:
	for _, e := range elems {
		k := e.Key()
		for _, d := range drop {
			if k == d {
				continue next
			}
		}
		if v, ok := repl[k]; ok {
			out = bsoncore.AppendValueElement(out, k, v)
			done[k] = true
			continue
		}
		out = append(out, e...)
	}
	for k, v := range repl {
		if !done[k] {
			out = bsoncore.AppendValueElement(out, k, v)
		}
	}
	out, _ = bsoncore.AppendDocumentEnd(out, idx)
	return out
}

func docValue(d []byte) bsoncore.Value {
	return bsoncore.Value{Type: bsontype.EmbeddedDocument, Data: d}
}

func arrayOf(docs ...[]byte) bsoncore.Value {
	idx, out := bsoncore.AppendArrayStart(nil)
	for i, d := range docs {
		out = bsoncore.AppendDocumentElement(out, fmt.Sprint(i), d)
	}
	out, _ = bsoncore.AppendArrayEnd(out, idx)
	return bsoncore.Value{Type: bsontype.Array, Data: out}
}

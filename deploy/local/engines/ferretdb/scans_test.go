package main

import (
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/bson"
)

func cmd(t *testing.T, body bson.D) *command {
	t.Helper()
	raw, err := bson.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseCommand(encodeMsg(1, 0, raw))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestScans(t *testing.T) {
	oid := [12]byte{1}
	cases := []struct {
		name string
		body bson.D
		want []string
	}{
		{"find by string _id", bson.D{{"find", "c"}, {"filter", bson.D{{"_id", "a"}}}}, nil},
		{"find by ObjectId", bson.D{{"find", "c"}, {"filter", bson.D{{"_id", bson.RawValue{Type: 7, Value: oid[:]}}}}}, nil},
		{"find by numeric _id", bson.D{{"find", "c"}, {"filter", bson.D{{"_id", int64(3)}}}}, []string{"{_id: number}"}},
		{"find by _id and more", bson.D{{"find", "c"}, {"filter", bson.D{{"_id", "a"}, {"revision", 2}}}},
			[]string{"{_id: string, revision: number}"}},
		{"find by _id range", bson.D{{"find", "c"}, {"filter", bson.D{{"_id", bson.D{{"$in", bson.A{"a", "b"}}}}}}},
			[]string{"{_id: {$in: array}}"}},
		{"find with a limit and nothing else", bson.D{{"find", "c"}, {"filter", bson.D{}}, {"limit", int32(10)}}, nil},
		{"find with a limit and a sort", bson.D{{"find", "c"}, {"sort", bson.D{{"_id", 1}}}, {"limit", int32(10)}}, []string{"{}"}},
		{"find everything", bson.D{{"find", "c"}}, []string{"{}"}},
		{"count", bson.D{{"count", "c"}, {"query", bson.D{{"status", "a"}}}}, []string{"{status: string}"}},
		{"aggregate by _id", bson.D{{"aggregate", "c"}, {"pipeline", bson.A{bson.D{{"$match", bson.D{{"_id", "a"}}}}}}}, nil},
		{"aggregate without $match", bson.D{{"aggregate", "c"}, {"pipeline", bson.A{bson.D{{"$group", bson.D{{"_id", nil}}}}}}}, []string{"{}"}},
		{"collStats", bson.D{{"aggregate", "c"}, {"pipeline", bson.A{bson.D{{"$collStats", bson.D{}}}}}}, nil},
		{"update statements", bson.D{{"update", "c"}, {"updates", bson.A{
			bson.D{{"q", bson.D{{"_id", "a"}}}, {"u", bson.D{}}},
			bson.D{{"q", bson.D{{"at", bson.D{{"$lte", int64(1)}}}}}, {"u", bson.D{}}},
		}}}, []string{"{at: {$lte: number}}"}},
		{"delete by _id", bson.D{{"delete", "c"}, {"deletes", bson.A{bson.D{{"q", bson.D{{"_id", "a"}}}, {"limit", 1}}}}}, nil},
		{"findAndModify by field", bson.D{{"findAndModify", "c"}, {"query", bson.D{{"owner", "x"}}}}, []string{"{owner: string}"}},
		{"insert", bson.D{{"insert", "c"}, {"documents", bson.A{bson.D{{"_id", "a"}}}}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := scans(cmd(t, tc.body)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scans = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestScanLogReply(t *testing.T) {
	var s scanLog
	s.record("db.b", "find", "{}")
	s.record("db.a", "count", "{x: string}")
	s.record("db.a", "count", "{x: string}")
	c, err := parseCommand(encodeMsg(1, 0, s.reply(true)))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Scans []struct {
			NS, Command, Filter string
			Count               int64
		}
	}
	if err := bson.Unmarshal(c.body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Scans) != 2 || got.Scans[0].NS != "db.a" || got.Scans[0].Count != 2 || got.Scans[1].Filter != "{}" {
		t.Errorf("reply = %+v", got.Scans)
	}
	if len(s.counts) != 0 {
		t.Errorf("reset left %v", s.counts)
	}
}

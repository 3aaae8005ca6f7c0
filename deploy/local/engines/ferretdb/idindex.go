package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB uses; registered as "sqlite"
)

// ---- an SQLite index that FerretDB's _id lookups can use ----
//
// FerretDB v1 finds a document by _id with `WHERE _ferretdb_sjson->'$._id' = ?`, but indexes
// _id on `_ferretdb_sjson->"_id"`. SQLite uses an index on an expression only for the very same
// expression, so every lookup, update and delete by _id reads the whole table. idIndexer adds,
// for every collection's table, an index on the expression FerretDB queries with. FerretDB does
// not know about it (listIndexes does not show it) and drops it with the table.

type idIndexer struct {
	dir    string
	logger *slog.Logger

	mu  sync.Mutex
	dbs map[string]openFile // by file name
}

// openFile is our connection to one database file, and which file it is: dropDatabase removes
// the file and FerretDB creates a new one under the same name, which we must open anew.
type openFile struct {
	db   *sql.DB
	info os.FileInfo
}

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, dbs: map[string]openFile{}}
}

// run indexes new tables every interval until ctx ends (the proxy also calls ensure after a
// write to a collection it has not seen, so that its first lookups are fast too).
func (x *idIndexer) run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		x.ensure()
		select {
		case <-ctx.Done():
			x.mu.Lock()
			for _, f := range x.dbs {
				_ = f.db.Close()
			}
			x.mu.Unlock()
			return
		case <-t.C:
		}
	}
}

// ensure indexes every collection table not indexed yet, in every database file.
func (x *idIndexer) ensure() {
	x.mu.Lock()
	defer x.mu.Unlock()
	files, _ := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	for _, file := range files {
		info, err := os.Stat(file)
		if err != nil {
			continue
		}
		f, ok := x.dbs[file]
		if ok && !os.SameFile(f.info, info) { // dropped and created again
			_ = f.db.Close()
			ok = false
		}
		if !ok {
			db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(60000)")
			if err != nil {
				continue
			}
			db.SetMaxOpenConns(1)
			f = openFile{db: db, info: info}
			x.dbs[file] = f
		}
		db := f.db
		missing, err := x.unindexed(db)
		if err != nil {
			continue // a database FerretDB is still creating
		}
		for _, table := range missing {
			q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"_lgsp_id", table)
			if _, err := db.Exec(q); err != nil {
				x.logger.Debug("cannot index _id yet", "table", table, "error", err)
			}
		}
	}
}

// unindexed lists the collection tables that have no index of ours (new, or dropped and created
// again under the same name), as SQLite's own schema says.
func (x *idIndexer) unindexed(db *sql.DB) ([]string, error) {
	rows, err := db.Query(`SELECT c.table_name FROM _ferretdb_collections c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || '_lgsp_id')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, rows.Err()
}

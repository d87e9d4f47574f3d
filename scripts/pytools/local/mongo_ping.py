"""Exits 0 when the local database answers a ping on 127.0.0.1:PORT within half a second, 1 otherwise
(scripts/local/stack waits on it)."""
import argparse
import sys

import pymongo
import pymongo.errors


def main():
    parser = argparse.ArgumentParser(prog="python -m pytools.local.mongo_ping", description=__doc__)
    parser.add_argument("port", type=int)
    args = parser.parse_args()
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{args.port}/?directConnection=true",
                                 serverSelectionTimeoutMS=500)
    try:
        client.admin.command("ping")
    except pymongo.errors.PyMongoError:
        sys.exit(1)
    finally:
        client.close()


if __name__ == "__main__":
    main()

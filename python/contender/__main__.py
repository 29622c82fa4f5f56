"""``python -m contender``: one run, exit code per docs/contenders.md."""

from contender.main import main

raise SystemExit(main())

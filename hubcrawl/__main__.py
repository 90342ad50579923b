from hubcrawl.cli import main

raise SystemExit(main())

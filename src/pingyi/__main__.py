from pingyi.cli import main

raise SystemExit(main())

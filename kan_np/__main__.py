import sys

from kan_np.cli import main

sys.exit(main())

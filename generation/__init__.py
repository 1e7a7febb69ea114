"""Media generation (image, narration, music) as rq jobs: see issue 5."""

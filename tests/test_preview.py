"""The preview: an animatic with the song's audio, no model."""

import numpy as np
import pytest

from alignment import Line, Lyrics, Word
from binarydream.errors import RenderError
from binarydream.render import preview
from binarydream.schedule import Schedule

from render_support import stream_durations, video_frames, write_song


@pytest.fixture
def song(tmp_path):
    return write_song(tmp_path / "song.wav", 3.0)


def lyrics():
    return Lyrics([Line("first line", 0.5, 1.4, (Word("first", 0.5, 0.9, 1.0), Word("line", 0.9, 1.4, 1.0))),
                   Line("second one", 1.6, 2.6, (Word("second", 1.6, 2.0, 1.0), Word("one", 2.0, 2.6, 1.0)))])


def test_preview_has_every_frame_the_audio_and_the_caption_of_the_line_sung(tmp_path, song):
    sched = Schedule(30, fps=10, curves={"zoom": "0: (1.02)", "angle": "0: (1)"}, beats=[1.0, 2.0],
                     sections=[(0, "intro"), (15, "chorus")])
    out = preview(tmp_path / "p.mp4", sched, audio_path=song, lyrics=lyrics(), width=160, height=90)
    probe = stream_durations(out)
    assert probe["frames"] == 30 and abs(probe["audio"] - 3.0) < 0.1 and abs(probe["video"] - 3.0) < 0.1
    frames = video_frames(out)
    captions = [f[70:, 40:120].astype(int) for f in frames]
    assert np.abs(captions[10] - captions[12]).mean() < np.abs(captions[10] - captions[20]).mean()
    bars = [f[1, 150].astype(int) for f in frames]
    assert np.abs(bars[5] - bars[25]).sum() > 60  # another section, another colour
    brightness = [f.mean() for f in frames]
    assert brightness[10] > brightness[9] + 5 and brightness[20] > brightness[19] + 5  # beats flash


def test_preview_moves_the_users_picture_and_refuses_to_overwrite(tmp_path, song):
    picture = np.zeros((90, 160, 3), np.uint8)
    picture[:, 80:] = 255
    sched = Schedule(30, fps=10, curves={"translation_x": "0: (8)"})
    out = preview(tmp_path / "p.mp4", sched, audio_path=song, image=picture, width=160, height=90,
                  render_width=160)
    frames = video_frames(out)
    edge = [int(np.argmax(f[45, :, 0] > 128)) for f in frames[:4]]
    assert edge[0] in range(78, 83) and 14 <= edge[3] - edge[0] <= 34  # about 8 px a frame
    with pytest.raises(RenderError, match="exists"):
        preview(out, sched, audio_path=song)

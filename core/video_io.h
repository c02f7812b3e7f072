#pragma once
// Animations on disk for the command line: a folder of pictures or a video file in, a folder of numbered PNGs
// or a video file out, one frame at a time. Video goes through Debian's OpenCV (videoio on FFmpeg).
#include <memory>
#include <string>

#include "core/image.h"

namespace atelier {

// A path names a video file when its extension is one FrameWriter writes or FrameReader reads as video (.avi,
// .mp4, .mkv, .webm, .mov, .m4v, .mpg, .mpeg, .ogv, .wmv, .flv; case-insensitive); anything else is a folder.
bool is_video_path(const std::string& path);

class FrameReader {
 public:
  // A folder: its image files (.png, .jpg, .jpeg, .bmp, .tga, .webp, .gif; sorted by name with numbers compared by
  // value: 2 before 10); a video file: its frames. Throws atelier::Error when the path is missing, the folder
  // has no pictures, or the video cannot be opened or has no frames.
  explicit FrameReader(const std::string& path);
  ~FrameReader();
  FrameReader(const FrameReader&) = delete;
  FrameReader& operator=(const FrameReader&) = delete;

  int count() const;
  double frames_per_second() const;  // the video's; 0 for a folder
  // Frame `index` (RGBA, [0,1]), asked in order; throws atelier::Error for a frame that cannot be decoded.
  Image read(int index);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class FrameWriter {
 public:
  // Writes to a temporary neighbour of `path`; commit() puts it in place. Throws atelier::Error when `path` cannot
  // be written (check_frames_output says why first).
  FrameWriter(const std::string& path, double frames_per_second);
  ~FrameWriter();  // without commit(): removes what was written
  FrameWriter(const FrameWriter&) = delete;
  FrameWriter& operator=(const FrameWriter&) = delete;

  void write(const Image& frame);  // frames of one size, in order
  int written() const;
  void commit();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// What can be checked about an animation's output before any work: not the input itself, a video extension
// FrameWriter writes (.avi, .mp4, .mkv, .webm) or a folder that does not exist yet or is empty, in a writable
// folder. Throws atelier::Error saying what to change.
void check_frames_output(const std::string& output, const std::string& input);

}  // namespace atelier

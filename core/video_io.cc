#include "core/video_io.h"

#include <unistd.h>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/image_io.h"

namespace atelier {
namespace fs = std::filesystem;
namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool one_of(const std::string& ext, std::initializer_list<const char*> list) {
  return std::any_of(list.begin(), list.end(), [&](const char* e) { return ext == e; });
}

// The codecs a video FrameWriter tries for the container, best first: H.264 in .mp4 where FFmpeg has an encoder
// for it (Debian's has libx264; it refuses odd sizes), else encoders every FFmpeg build has (MPEG-4 part 2,
// Motion JPEG, VP8 for WebM).
std::vector<int> fourccs_for(const std::string& ext) {
  if (ext == ".mp4") return {cv::VideoWriter::fourcc('a', 'v', 'c', '1'), cv::VideoWriter::fourcc('m', 'p', '4', 'v')};
  if (ext == ".webm") return {cv::VideoWriter::fourcc('V', 'P', '8', '0')};
  return {cv::VideoWriter::fourcc('M', 'J', 'P', 'G')};  // .avi, .mkv
}

// OpenCV logs each codec it fails to open on stderr; a refused first choice is expected, not for the user's eyes.
class QuietOpenCv {
 public:
  QuietOpenCv() : before_(cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT)) {}
  ~QuietOpenCv() { cv::utils::logging::setLogLevel(before_); }
  QuietOpenCv(const QuietOpenCv&) = delete;
  QuietOpenCv& operator=(const QuietOpenCv&) = delete;

 private:
  cv::utils::logging::LogLevel before_;
};

bool writable_video(const std::string& ext) {
  return one_of(ext, {".avi", ".mp4", ".mkv", ".webm"});
}

bool picture_file(const fs::path& p) {
  return one_of(lower_extension(p.string()), {".png", ".jpg", ".jpeg", ".bmp", ".tga", ".webp", ".gif"});
}

// Names compared with runs of digits by value ("frame2" before "frame10"), as file managers sort.
bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      std::string na = a.substr(i, ie - i), nb = b.substr(j, je - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

Image from_bgr(const cv::Mat& bgr) {
  Image out(bgr.cols, bgr.rows);
  const int channels = bgr.channels();
  for (int y = 0; y < bgr.rows; ++y) {
    const uint8_t* row = bgr.ptr<uint8_t>(y);
    for (int x = 0; x < bgr.cols; ++x) {
      float* p = out.pixel(x, y);
      const uint8_t* s = row + static_cast<ptrdiff_t>(x) * channels;
      p[0] = s[channels >= 3 ? 2 : 0] / 255.f;
      p[1] = s[channels >= 3 ? 1 : 0] / 255.f;
      p[2] = s[0] / 255.f;
      p[3] = 1.f;
    }
  }
  return out;
}

// Composited over black: video has no alpha.
cv::Mat to_bgr(const Image& image) {
  cv::Mat out(image.height, image.width, CV_8UC3);
  for (int y = 0; y < image.height; ++y) {
    uint8_t* row = out.ptr<uint8_t>(y);
    for (int x = 0; x < image.width; ++x) {
      const float* p = image.pixel(x, y);
      auto byte = [&](float v) { return static_cast<uint8_t>(std::lround(std::clamp(v * p[3], 0.f, 1.f) * 255.f)); };
      row[x * 3] = byte(p[2]);
      row[x * 3 + 1] = byte(p[1]);
      row[x * 3 + 2] = byte(p[0]);
    }
  }
  return out;
}

cv::VideoCapture open_video(const std::string& path) {
  cv::VideoCapture capture(path, cv::CAP_FFMPEG);
  if (!capture.isOpened())
    throw Error("cannot open the video '" + path +
                "': not a video file FFmpeg decodes (try converting it with ffmpeg, or give a folder of frames)");
  return capture;
}

}  // namespace

bool is_video_path(const std::string& path) {
  return one_of(lower_extension(path),
                {".avi", ".mp4", ".mkv", ".webm", ".mov", ".m4v", ".mpg", ".mpeg", ".ogv", ".wmv", ".flv"});
}

struct FrameReader::State {
  std::string path;
  std::vector<std::string> files;  // a folder's pictures
  cv::VideoCapture video;
  int count = 0;
  int next = 0;  // the video's next frame
  double fps = 0;
};

FrameReader::FrameReader(const std::string& path) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.path = path;
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw Error("the frames '" + path + "' do not exist (give a folder of pictures or a video file)");
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_regular_file(ec) && picture_file(entry.path())) s.files.push_back(entry.path().string());
    std::sort(s.files.begin(), s.files.end(), [](const std::string& a, const std::string& b) {
      return natural_less(fs::path(a).filename().string(), fs::path(b).filename().string());
    });
    if (s.files.empty())
      throw Error("the folder '" + path + "' has no pictures (.png, .jpg, .bmp, .tga, .webp, .gif) to use as frames");
    s.count = static_cast<int>(s.files.size());
    return;
  }
  // (FFmpeg would open one picture as a clip of one frame.)
  if (picture_file(path))
    throw Error("'" + path +
                "' is one picture, not an animation: give a folder of pictures (the frames, sorted by "
                "name) or a video file");
  // The frame count a container declares is often wrong: count the frames by walking through them once
  // (grab() reads packets without decoding pictures).
  {
    cv::VideoCapture counter = open_video(path);
    while (counter.grab()) ++s.count;
  }
  if (s.count == 0) throw Error("the video '" + path + "' has no frames that can be decoded");
  s.video = open_video(path);
  s.fps = s.video.get(cv::CAP_PROP_FPS);
  if (!(s.fps > 0 && s.fps < 1000)) s.fps = 0;
}

FrameReader::~FrameReader() = default;

int FrameReader::count() const {
  return state_->count;
}

double FrameReader::frames_per_second() const {
  return state_->fps;
}

Image FrameReader::read(int index) {
  State& s = *state_;
  if (index < 0 || index >= s.count)
    throw Error("internal error: frame " + std::to_string(index) + " asked of " + std::to_string(s.count));
  if (!s.files.empty()) return load_image(s.files[static_cast<size_t>(index)]);
  if (index < s.next) {  // backwards: decode from the start again
    s.video = open_video(s.path);
    s.next = 0;
  }
  cv::Mat picture;
  while (s.next <= index) {
    if (!s.video.read(picture) || picture.empty())
      throw Error("cannot decode frame " + std::to_string(s.next + 1) + " of the video '" + s.path + "'");
    ++s.next;
  }
  return from_bgr(picture);
}

struct FrameWriter::State {
  std::string path, temporary;
  bool video = false, committed = false;
  double fps = 0;
  cv::VideoWriter writer;
  int width = 0, height = 0, written = 0;
};

FrameWriter::FrameWriter(const std::string& path_given, double frames_per_second) : state_(std::make_unique<State>()) {
  State& s = *state_;
  std::string path = path_given;
  while (path.size() > 1 && path.back() == '/') path.pop_back();  // "out/" is the folder "out"
  s.path = path;
  s.video = is_video_path(path);
  s.fps = frames_per_second;
  const fs::path target = fs::path(path).lexically_normal();
  const fs::path name = target.filename().empty() ? target.parent_path().filename() : target.filename();
  const fs::path dir = fs::path(path).has_parent_path() ? fs::path(path).parent_path() : fs::path(".");
  // The extension stays last: FFmpeg picks the container by it.
  s.temporary = (dir / ("." + name.stem().string() + ".partial-" + std::to_string(::getpid()) +
                        (s.video ? name.extension().string() : std::string())))
                    .string();
  if (!s.video) {
    std::error_code ec;
    fs::remove_all(s.temporary, ec);
    if (!fs::create_directory(s.temporary, ec))
      throw Error("cannot create a folder beside '" + path + "': " + ec.message());
  }
}

FrameWriter::~FrameWriter() {
  State& s = *state_;
  if (s.committed) return;
  if (s.writer.isOpened()) s.writer.release();
  std::error_code ec;
  fs::remove_all(s.temporary, ec);
}

int FrameWriter::written() const {
  return state_->written;
}

void FrameWriter::write(const Image& frame) {
  State& s = *state_;
  if (s.written > 0 && (frame.width != s.width || frame.height != s.height))
    throw Error("internal error: frames of different sizes for one animation");
  s.width = frame.width;
  s.height = frame.height;
  if (!s.video) {
    char name[32];
    std::snprintf(name, sizeof name, "frame-%05d.png", s.written + 1);
    save_png((fs::path(s.temporary) / name).string(), frame);
  } else {
    if (!s.writer.isOpened()) {
      const QuietOpenCv quiet;
      for (int fourcc : fourccs_for(lower_extension(s.path))) {
        s.writer.open(s.temporary, cv::CAP_FFMPEG, fourcc, s.fps, {s.width, s.height});
        if (s.writer.isOpened()) break;
      }
      if (!s.writer.isOpened())
        throw Error("cannot write the video '" + s.path + "' (" + std::to_string(s.width) + "x" +
                    std::to_string(s.height) + "): FFmpeg refused the format; write a folder of frames or an .avi");
    }
    s.writer.write(to_bgr(frame));
  }
  ++s.written;
}

void FrameWriter::commit() {
  State& s = *state_;
  if (s.written == 0) throw Error("no frame was written to '" + s.path + "'");
  if (s.writer.isOpened()) s.writer.release();
  std::error_code ec;
  if (!s.video && fs::is_directory(s.path, ec)) fs::remove(s.path, ec);  // empty (check_frames_output)
  fs::rename(s.temporary, s.path, ec);
  if (ec) throw Error("cannot move the result into place as '" + s.path + "': " + ec.message());
  s.committed = true;
}

void check_frames_output(const std::string& output_given, const std::string& input) {
  std::string output = output_given;
  while (output.size() > 1 && output.back() == '/') output.pop_back();
  if (output.empty())
    throw Error("no output given: a folder for numbered PNGs, or a video file (.avi, .mp4, .mkv, .webm)");
  std::error_code ec;
  const fs::path target(output);
  const bool exists = fs::exists(target, ec);
  if (exists && fs::exists(input, ec) && fs::equivalent(target, input, ec))
    throw Error("the output '" + output +
                "' is the input; writing it would destroy the frames. Choose another output.");
  if (is_video_path(output)) {
    if (!writable_video(lower_extension(output)))
      throw Error("cannot write '" + output + "': videos are written as .avi, .mp4, .mkv or .webm (or give a folder)");
    if (exists && fs::is_directory(target, ec))
      throw Error("the output '" + output + "' is a folder; give a video file name or a new folder");
  } else if (exists) {
    if (!fs::is_directory(target, ec))
      throw Error("the output '" + output + "' is a file that is not a video; give a new folder or a video file name");
    if (!fs::is_empty(target, ec))
      throw Error("the output folder '" + output + "' already has files; give a new or empty folder, so that " +
                  "nothing in it is overwritten");
  }
  check_parent_folder_writable(output);
}

}  // namespace atelier

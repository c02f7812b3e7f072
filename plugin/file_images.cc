#include "plugin/file_images.h"

#include <cstdlib>
#include <memory>

#include "core/error.h"
#include "plugin/arguments.h"
#include "plugin/pixels.h"

namespace atelier::plugin {
namespace {

struct ImageDeleter {
  void operator()(GimpImage* image) const { gimp_image_delete(image); }
};
struct ObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};

Image load_with_gimp(const std::string& path) {
  std::unique_ptr<GFile, ObjectUnref> file(g_file_new_for_path(path.c_str()));
  std::unique_ptr<GimpImage, ImageDeleter> image(gimp_file_load(GIMP_RUN_NONINTERACTIVE, file.get()));
  if (!image) {
    const gchar* why = gimp_pdb_get_last_error(gimp_get_pdb());
    throw Error("could not load the image '" + path + "': " + (why && *why ? why : "GIMP cannot open this file") +
                ". Choose a PNG, JPEG or another format GIMP opens.");
  }
  if (gimp_image_get_base_type(image.get()) == GIMP_INDEXED) gimp_image_convert_rgb(image.get());
  GimpLayer* merged = gimp_image_merge_visible_layers(image.get(), GIMP_CLIP_TO_IMAGE);
  if (!merged) throw Error("the image '" + path + "' has no visible layer to use");
  Region all;
  all.width = gimp_drawable_get_width(GIMP_DRAWABLE(merged));
  all.height = gimp_drawable_get_height(GIMP_DRAWABLE(merged));
  // read_region asks GEGL for sRGB pixels: the image's own colour profile is converted on the way.
  return read_region(GIMP_DRAWABLE(merged), all);
}

// The pixels of a layer of any open image (read_values made its key from the layer's id).
Image read_layer(const std::string& key) {
  const gint id = static_cast<gint>(std::strtol(key.substr(key.find(':') + 1).c_str(), nullptr, 10));
  GimpLayer* layer = gimp_layer_get_by_id(id);
  if (!layer) throw Error("the chosen layer is gone (was its image closed?); choose another layer");
  Region all;
  all.width = gimp_drawable_get_width(GIMP_DRAWABLE(layer));
  all.height = gimp_drawable_get_height(GIMP_DRAWABLE(layer));
  return read_region(GIMP_DRAWABLE(layer), all);
}

// A channel's values over the input's pixels (a channel spans the image: the layer's offsets place the region).
Image read_channel(const std::string& key, const ParamSpec& spec, const InputArea* area) {
  const gint id = static_cast<gint>(std::strtol(key.substr(key.find(':') + 1).c_str(), nullptr, 10));
  GimpChannel* channel = gimp_channel_get_by_id(id);
  if (!channel) throw Error("the channel chosen for '" + spec.name + "' is gone; choose another channel");
  if (!area || !area->layer) throw Error("'" + spec.name + "': a channel cannot be used with this filter");
  if (gimp_item_get_image(GIMP_ITEM(channel)) != gimp_item_get_image(GIMP_ITEM(area->layer)))
    throw Error("the channel chosen for '" + spec.name +
                "' belongs to another image; choose a channel of the image being processed (Channels dock)");
  gint ox = 0, oy = 0;
  gimp_drawable_get_offsets(area->layer, &ox, &oy);
  Region in_image = area->region;
  in_image.x += ox;
  in_image.y += oy;
  return read_channel_region(GIMP_DRAWABLE(channel), in_image, area->long_side);
}

}  // namespace

std::map<std::string, Image> load_parameter_files(const Filter& filter, const ParamValues& values,
                                                  const InputArea* area) {
  std::map<std::string, Image> images;
  for (const ParamSpec* s : gimp_params(filter)) {
    if (s->type == ParamType::Channel) {
      const std::string& key = values.get_text(s->name);
      if (!key.empty() && !images.count(key)) images.emplace(key, read_channel(key, *s, area));
      continue;
    }
    if (s->type == ParamType::Layer) {
      const std::string& key = values.get_text(s->name);
      if (!key.empty() && !images.count(key)) images.emplace(key, read_layer(key));
      continue;
    }
    if (s->type != ParamType::File || s->folder) continue;
    const std::string& path = values.get_text(s->name);
    if (!path.empty() && !images.count(path)) images.emplace(path, load_with_gimp(path));
  }
  return images;
}

}  // namespace atelier::plugin

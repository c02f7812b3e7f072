// The Keras graph executor on small hand-made models, against direct implementations of TF's semantics.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "models/keras_graph.h"

using namespace atelier;

namespace {

std::string layer(const std::string& name, const std::string& cls, const std::string& config,
                  const std::vector<std::string>& inputs) {
  std::string in;
  for (const auto& i : inputs) in += (in.empty() ? "" : ",") + ("[\"" + i + "\",0,0,{}]");
  return R"({"name":")" + name + R"(","class_name":")" + cls + R"(","config":{"name":")" + name + "\"" +
         (config.empty() ? "" : "," + config) + R"(},"inbound_nodes":)" + (inputs.empty() ? "[]" : "[[" + in + "]]") +
         "}";
}

// input(3) -> conv 3x3/2 same (asymmetric on even sizes) -> BN(scale=False) -> relu -> avgpool 3x3/1 same
// -> [maxpool 3x3/2 valid, conv 1x1 with bias, relu] -> concat -> global average -> dense softmax
std::string config() {
  std::vector<std::string> L = {
      layer("input_1", "InputLayer", R"("batch_input_shape":[null,null,null,3])", {}),
      layer("conv2d_1", "Conv2D",
            R"("filters":4,"kernel_size":[3,3],"strides":[2,2],"padding":"same","data_format":"channels_last",)"
            R"("dilation_rate":[1,1],"activation":"linear","use_bias":false)",
            {"input_1"}),
      layer("batch_normalization_1", "BatchNormalization", R"("axis":3,"epsilon":0.001,"center":true,"scale":false)",
            {"conv2d_1"}),
      layer("activation_1", "Activation", R"("activation":"relu")", {"batch_normalization_1"}),
      layer("average_pooling2d_1", "AveragePooling2D",
            R"("pool_size":[3,3],"strides":[1,1],"padding":"same","data_format":"channels_last")", {"activation_1"}),
      layer("max_pooling2d_1", "MaxPooling2D",
            R"("pool_size":[3,3],"strides":[2,2],"padding":"valid","data_format":"channels_last")",
            {"average_pooling2d_1"}),
      layer("conv2d_2", "Conv2D",
            R"("filters":2,"kernel_size":[1,1],"strides":[3,3],"padding":"valid","data_format":"channels_last",)"
            R"("activation":"relu","use_bias":true)",
            {"average_pooling2d_1"}),
      layer("mixed0", "Concatenate", R"("axis":3)", {"max_pooling2d_1", "conv2d_2"}),
      layer("global_average_pooling2d_1", "GlobalAveragePooling2D", R"("data_format":"channels_last")", {"mixed0"}),
      layer("dropout_1", "Dropout", R"("rate":0.5)", {"global_average_pooling2d_1"}),
      layer("dense_1", "Dense", R"("units":3,"activation":"softmax","use_bias":true)", {"dropout_1"}),
  };
  std::string layers;
  for (const auto& l : L) layers += (layers.empty() ? "" : ",") + l;
  return R"({"class_name":"Model","config":{"name":"m","layers":[)" + layers +
         R"(],"input_layers":[["input_1",0,0]],"output_layers":[["dense_1",0,0]]}})";
}

TensorMap weights() {
  torch::manual_seed(3);
  return {{"conv2d_1/kernel", torch::randn({3, 3, 3, 4})},
          {"batch_normalization_1/beta", torch::randn({4})},
          {"batch_normalization_1/moving_mean", torch::randn({4})},
          {"batch_normalization_1/moving_variance", torch::rand({4}) + 0.5},
          {"conv2d_2/kernel", torch::randn({1, 1, 4, 2})},
          {"conv2d_2/bias", torch::randn({2})},
          {"dense_1/kernel", torch::randn({6, 3})},
          {"dense_1/bias", torch::randn({3})}};
}

// TF "same" average pooling 3x3 stride 1, dividing by the number of real pixels under the window.
torch::Tensor avg_same_reference(const torch::Tensor& x) {
  auto out = torch::zeros_like(x);
  const int64_t H = x.size(2), W = x.size(3);
  for (int64_t y = 0; y < H; ++y)
    for (int64_t xx = 0; xx < W; ++xx) {
      int64_t y0 = std::max<int64_t>(y - 1, 0), y1 = std::min<int64_t>(y + 2, H);
      int64_t x0 = std::max<int64_t>(xx - 1, 0), x1 = std::min<int64_t>(xx + 2, W);
      auto win = x.index({torch::indexing::Slice(), torch::indexing::Slice(), torch::indexing::Slice(y0, y1),
                          torch::indexing::Slice(x0, x1)});
      out.index_put_({torch::indexing::Slice(), torch::indexing::Slice(), y, xx}, win.mean({2, 3}));
    }
  return out;
}

}  // namespace

TEST(KerasGraph, MatchesDirectTfSemantics) {
  TensorMap w = weights();
  KerasGraph g(config(), w, "test");
  torch::manual_seed(4);
  auto x = torch::rand({2, 3, 12, 10});
  auto out = g.forward(x, {"activation_1", "average_pooling2d_1", "mixed0", "dense_1"});

  // conv 3x3/2 "same" on 12x10: out 6x5, TF pads 0 before and 1 after in both dimensions.
  auto k = w["conv2d_1/kernel"].permute({3, 2, 0, 1});
  auto c = torch::conv2d(torch::constant_pad_nd(x, {0, 1, 0, 1}), k, {}, 2);
  auto bn = (c - w["batch_normalization_1/moving_mean"].view({1, -1, 1, 1})) /
                torch::sqrt(w["batch_normalization_1/moving_variance"].view({1, -1, 1, 1}) + 1e-3) +
            w["batch_normalization_1/beta"].view({1, -1, 1, 1});
  auto a1 = torch::relu(bn);
  ASSERT_EQ(out["activation_1"].sizes(), (std::vector<int64_t>{2, 4, 6, 5}));
  EXPECT_LT((out["activation_1"] - a1).abs().max().item<double>(), 1e-5);
  auto ap = avg_same_reference(a1);
  EXPECT_LT((out["average_pooling2d_1"] - ap).abs().max().item<double>(), 1e-5);
  auto mp = torch::max_pool2d(ap, 3, 2);  // 2x2
  auto c2 = torch::relu(torch::conv2d(ap, w["conv2d_2/kernel"].permute({3, 2, 0, 1}), w["conv2d_2/bias"], 3));
  ASSERT_EQ(c2.sizes().slice(2), mp.sizes().slice(2));
  auto mixed = torch::cat({mp, c2}, 1);
  EXPECT_LT((out["mixed0"] - mixed).abs().max().item<double>(), 1e-5);
  auto probs = torch::softmax(torch::linear(mixed.mean({2, 3}), w["dense_1/kernel"].t(), w["dense_1/bias"]), 1);
  EXPECT_LT((out["dense_1"] - probs).abs().max().item<double>(), 1e-6);
  EXPECT_EQ(out.size(), 4u);
}

TEST(KerasGraph, GradientsFlowToTheInput) {
  KerasGraph g(config(), weights(), "test");
  auto x = torch::rand({1, 3, 9, 9}).requires_grad_(true);
  auto out = g.forward(x, {"mixed0"});
  out["mixed0"].pow(2).sum().backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
}

TEST(KerasGraph, BadModelsAndInputsGiveClearErrors) {
  TensorMap w = weights();
  w.erase("conv2d_2/bias");
  try {
    KerasGraph g(config(), w, "m.safetensors");
    FAIL() << "missing weight accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("conv2d_2/bias"), std::string::npos) << e.what();
  }
  w = weights();
  w["dense_1/bias"] = torch::zeros({4});
  EXPECT_THROW(KerasGraph(config(), w, "m"), Error);
  for (const char* bad : {"{not json", R"({"layers": [], "layers": []})", R"({"layers": [{"name": NaN}]})"}) {
    try {
      KerasGraph(bad, weights(), "m.safetensors");
      FAIL() << bad << " accepted";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("Keras model in 'm.safetensors': the model configuration is not valid JSON"),
                std::string::npos)
          << msg;
      EXPECT_EQ(msg.find("json.exception"), std::string::npos) << msg;
    }
  }
  std::string bad = config();
  bad.replace(bad.find("\"Dropout\""), 9, "\"Lambda\"");
  EXPECT_THROW(KerasGraph(bad, weights(), "m"), Error);

  KerasGraph g(config(), weights(), "m");
  EXPECT_THROW(g.forward(torch::rand({1, 3, 9, 9}), {"nonexistent"}), Error);
  EXPECT_THROW(g.forward(torch::rand({1, 4, 9, 9}), {"activation_1"}), Error);  // the input layer wants 3 channels
  // 3x3 input: conv gives 2x2, the valid 3x3 max pool cannot run.
  EXPECT_THROW(g.forward(torch::rand({1, 3, 3, 3}), {"mixed0"}), Error);
  // ... but the layers before it can.
  EXPECT_NO_THROW(g.forward(torch::rand({1, 3, 3, 3}), {"activation_1"}));
}

namespace {

// Naive TF "same" pooling: windows start at o*stride - pad_before and are clipped to the image.
torch::Tensor pool_same_reference(const torch::Tensor& x, int64_t k, int64_t s, bool max) {
  const int64_t H = x.size(2), W = x.size(3), oh = (H + s - 1) / s, ow = (W + s - 1) / s;
  const int64_t ph = std::max<int64_t>((oh - 1) * s + k - H, 0) / 2,
                pw = std::max<int64_t>((ow - 1) * s + k - W, 0) / 2;
  auto out = torch::empty({x.size(0), x.size(1), oh, ow});
  using torch::indexing::Slice;
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t xx = 0; xx < ow; ++xx) {
      int64_t y0 = std::max<int64_t>(y * s - ph, 0), y1 = std::min<int64_t>(y * s - ph + k, H);
      int64_t x0 = std::max<int64_t>(xx * s - pw, 0), x1 = std::min<int64_t>(xx * s - pw + k, W);
      auto win = x.index({Slice(), Slice(), Slice(y0, y1), Slice(x0, x1)}).flatten(2);
      out.index_put_({Slice(), Slice(), y, xx}, max ? std::get<0>(win.max(2)) : win.mean(2));
    }
  return out;
}

}  // namespace

TEST(KerasGraph, UnfoldedBatchNormAsymmetricPoolingAndFlatten) {
  // conv2d_1 feeds both the BN and the concatenation, so the BN cannot be folded into it.
  std::vector<std::string> L = {
      layer("input_1", "InputLayer", R"("batch_input_shape":[null,8,8,2])", {}),
      layer("conv2d_1", "Conv2D",
            R"("filters":3,"kernel_size":[1,3],"strides":[1,1],"padding":"same","activation":"linear",)"
            R"("use_bias":true)",
            {"input_1"}),
      layer("batch_normalization_1", "BatchNormalization", R"("axis":-1,"epsilon":0.01,"scale":true)", {"conv2d_1"}),
      layer("concatenate_1", "Concatenate", R"("axis":-1)", {"batch_normalization_1", "conv2d_1"}),
      layer("max_pooling2d_1", "MaxPooling2D", R"("pool_size":[3,3],"strides":[2,2],"padding":"same")",
            {"concatenate_1"}),
      layer("average_pooling2d_1", "AveragePooling2D", R"("pool_size":[3,3],"strides":[2,2],"padding":"same")",
            {"concatenate_1"}),
      layer("flatten_1", "Flatten", R"("data_format":"channels_last")", {"average_pooling2d_1"}),
      layer("dense_1", "Dense", R"("units":2,"activation":"linear","use_bias":false)", {"flatten_1"}),
  };
  std::string layers;
  for (const auto& l : L) layers += (layers.empty() ? "" : ",") + l;
  const std::string cfg = R"({"class_name":"Model","config":{"name":"m","layers":[)" + layers +
                          R"(],"input_layers":[["input_1",0,0]],"output_layers":[["dense_1",0,0]]}})";
  torch::manual_seed(5);
  TensorMap w{{"conv2d_1/kernel", torch::randn({1, 3, 2, 3})},
              {"conv2d_1/bias", torch::randn({3})},
              {"batch_normalization_1/gamma", torch::randn({3})},
              {"batch_normalization_1/beta", torch::randn({3})},
              {"batch_normalization_1/moving_mean", torch::randn({3})},
              {"batch_normalization_1/moving_variance", torch::rand({3}) + 0.5},
              {"dense_1/kernel", torch::randn({4 * 4 * 6, 2})}};
  KerasGraph g(cfg, w, "test");
  auto x = torch::randn({1, 2, 8, 8});
  auto out = g.forward(x, {"concatenate_1", "max_pooling2d_1", "average_pooling2d_1", "flatten_1", "dense_1"});

  auto c = torch::conv2d(x, w["conv2d_1/kernel"].permute({3, 2, 0, 1}), w["conv2d_1/bias"], at::IntArrayRef{1, 1},
                         at::IntArrayRef{0, 1});
  auto v = [&](const char* k) { return w[std::string("batch_normalization_1/") + k].view({1, -1, 1, 1}); };
  auto bn = (c - v("moving_mean")) / torch::sqrt(v("moving_variance") + 0.01) * v("gamma") + v("beta");
  auto both = torch::cat({bn, c}, 1);
  EXPECT_LT((out["concatenate_1"] - both).abs().max().item<double>(), 1e-5);
  EXPECT_LT((out["max_pooling2d_1"] - pool_same_reference(both, 3, 2, true)).abs().max().item<double>(), 1e-6);
  auto avg = pool_same_reference(both, 3, 2, false);
  EXPECT_LT((out["average_pooling2d_1"] - avg).abs().max().item<double>(), 1e-5);
  auto flat = avg.permute({0, 2, 3, 1}).reshape({1, -1});  // Keras flattens in H, W, C order
  EXPECT_LT((out["flatten_1"] - flat).abs().max().item<double>(), 1e-5);
  EXPECT_LT((out["dense_1"] - flat.matmul(w["dense_1/kernel"])).abs().max().item<double>(), 1e-4);
  // The dense head needs the native size.
  EXPECT_THROW(g.forward(torch::randn({1, 2, 12, 12}), {"dense_1"}), Error);
}

namespace {

// MobileNetV2's layers: input(3) -> ZeroPadding2D [[0,1],[0,1]] -> conv 3x3/2 valid -> BN (folded) -> ReLU6
// -> DepthwiseConv2D 3x3 same, depth multiplier 2 -> BN (folded) -> ReLU with slope and threshold -> conv 1x1
// -> Add with the ReLU6 output.
std::string inverted_residual_config(int64_t project_filters) {
  std::vector<std::string> L = {
      layer("input_1", "InputLayer", R"("batch_input_shape":[null,null,null,3])", {}),
      layer("pad", "ZeroPadding2D", R"("padding":[[0,1],[0,1]],"data_format":"channels_last")", {"input_1"}),
      layer("conv", "Conv2D",
            R"("filters":4,"kernel_size":[3,3],"strides":[2,2],"padding":"valid","activation":"linear",)"
            R"("use_bias":false)",
            {"pad"}),
      layer("conv_bn", "BatchNormalization", R"("axis":-1,"epsilon":0.001,"scale":true)", {"conv"}),
      layer("conv_relu", "ReLU", R"("max_value":6,"negative_slope":0,"threshold":0)", {"conv_bn"}),
      layer("depthwise", "DepthwiseConv2D",
            R"("kernel_size":[3,3],"strides":[1,1],"padding":"same","depth_multiplier":2,"activation":"linear",)"
            R"("use_bias":false,"dilation_rate":[1,1])",
            {"conv_relu"}),
      layer("depthwise_bn", "BatchNormalization", R"("axis":-1,"epsilon":0.001,"scale":true)", {"depthwise"}),
      layer("depthwise_relu", "ReLU", R"("max_value":null,"negative_slope":0.1,"threshold":0.5)", {"depthwise_bn"}),
      layer("project", "Conv2D",
            R"("filters":)" + std::to_string(project_filters) +
                R"(,"kernel_size":[1,1],"strides":[1,1],"padding":"same","activation":"linear","use_bias":true)",
            {"depthwise_relu"}),
      layer("add", "Add", "", {"conv_relu", "project"}),
  };
  std::string layers;
  for (const auto& l : L) layers += (layers.empty() ? "" : ",") + l;
  return R"({"class_name":"Model","config":{"name":"m","layers":[)" + layers +
         R"(],"input_layers":[["input_1",0,0]],"output_layers":[["add",0,0]]}})";
}

TensorMap inverted_residual_weights(int64_t project_filters) {
  torch::manual_seed(6);
  TensorMap w{{"conv/kernel", torch::randn({3, 3, 3, 4})},
              {"depthwise/depthwise_kernel", torch::randn({3, 3, 4, 2})},
              {"project/kernel", torch::randn({1, 1, 8, project_filters})},
              {"project/bias", torch::randn({project_filters})}};
  for (const auto& [bn, n] : {std::pair<std::string, int64_t>{"conv_bn", 4}, {"depthwise_bn", 8}}) {
    w[bn + "/gamma"] = torch::randn({n});
    w[bn + "/beta"] = torch::randn({n});
    w[bn + "/moving_mean"] = torch::randn({n});
    w[bn + "/moving_variance"] = torch::rand({n}) + 0.5;
  }
  return w;
}

}  // namespace

TEST(KerasGraph, MobileNetV2LayersMatchDirectTfSemantics) {
  TensorMap w = inverted_residual_weights(4);
  KerasGraph g(inverted_residual_config(4), w, "test");
  torch::manual_seed(7);
  auto x = torch::rand({1, 3, 11, 10});
  auto out = g.forward(x, {"pad", "conv_relu", "depthwise_relu", "add"});

  auto padded = torch::zeros({1, 3, 12, 11});
  padded.narrow(2, 0, 11).narrow(3, 0, 10).copy_(x);  // one zero row below, one zero column to the right
  EXPECT_LT((out["pad"] - padded).abs().max().item<double>(), 1e-7);
  auto bn = [&](const torch::Tensor& t, const std::string& n) {
    auto v = [&](const char* k) { return w[n + "/" + k].view({1, -1, 1, 1}); };
    return (t - v("moving_mean")) / torch::sqrt(v("moving_variance") + 1e-3) * v("gamma") + v("beta");
  };
  auto c = torch::conv2d(padded, w["conv/kernel"].permute({3, 2, 0, 1}), {}, 2);  // 5x5
  auto r6 = torch::clamp(bn(c, "conv_bn"), 0, 6);
  EXPECT_LT((out["conv_relu"] - r6).abs().max().item<double>(), 1e-5);
  // Depthwise, one channel at a time: Keras' output channel c*2 + m filters input channel c with kernel [:,:,c,m].
  std::vector<torch::Tensor> per_channel;
  for (int64_t ch = 0; ch < 4; ++ch)
    for (int64_t m = 0; m < 2; ++m) {
      auto k = w["depthwise/depthwise_kernel"].select(2, ch).select(2, m).view({1, 1, 3, 3});
      per_channel.push_back(torch::conv2d(r6.narrow(1, ch, 1), k, {}, 1, 1));
    }
  auto d = bn(torch::cat(per_channel, 1), "depthwise_bn");
  auto leaky = torch::where(d >= 0.5, d, (d - 0.5) * 0.1);
  EXPECT_LT((out["depthwise_relu"] - leaky).abs().max().item<double>(), 1e-5);
  auto project = torch::conv2d(leaky, w["project/kernel"].permute({3, 2, 0, 1}), w["project/bias"]);
  EXPECT_LT((out["add"] - (r6 + project)).abs().max().item<double>(), 1e-4);
}

TEST(KerasGraph, AddingMismatchedChannelsIsAClearError) {
  try {
    KerasGraph g(inverted_residual_config(3), inverted_residual_weights(3), "m.safetensors");
    FAIL() << "an Add of 4 and 3 channels accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 'add' adds inputs of 4 and 3 channels"), std::string::npos) << e.what();
  }
}

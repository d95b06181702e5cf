import TensorCore

/// How a conditional DCGAN hands the label to a convolution: as planes, one per class, the plane of
/// the image's digit all ones and the others all zeros, stacked behind the feature maps.
/// D reads them behind the image (28×28), G behind its 7×7 maps, so the label reaches G's pixels
/// without first having to pass through the layer that also carries all of the noise.
public enum LabelPlanes {
    /// One-hot rows `[N, classes]` → planes `[N, classes, height, width]`.
    public static func planes(oneHot: Tensor, height: Int, width: Int) -> Tensor {
        let (n, classes) = (oneHot.shape[0], oneHot.shape[1])
        let area = height * width
        return Tensor.build(shape: [n, classes, height, width]) { out in
            oneHot.withUnsafeBufferPointer { hot in
                for plane in 0..<(n * classes) {
                    let v = hot[plane]
                    for j in 0..<area { out[plane * area + j] = v }
                }
            }
        }
    }

    /// The label planes behind images `[N, C, H, W]` (the last `classes` channels, each constant) → one-hot
    /// rows `[N, classes]`: the top-left value of each plane.
    public static func oneHot(behind x: Tensor, classes: Int) -> Tensor {
        let (n, c, area) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        return Tensor.build(shape: [n, classes]) { out in
            x.withUnsafeBufferPointer { p in
                for i in 0..<n { for k in 0..<classes { out[i * classes + k] = p[(i * c + c - classes + k) * area] } }
            }
        }
    }

    /// The last `classes` columns of `rows: [N, F]` → `[N, classes]` (the one-hot behind a conditional G's noise).
    public static func lastColumns(_ rows: Tensor, _ classes: Int) -> Tensor {
        let (n, f) = (rows.shape[0], rows.shape[1])
        return Tensor.build(shape: [n, classes]) { out in
            rows.withUnsafeBufferPointer { r in
                for i in 0..<n { for c in 0..<classes { out[i * classes + c] = r[i * f + f - classes + c] } }
            }
        }
    }
}

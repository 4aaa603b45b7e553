// System.Numerics.Tensors also defines a Tensor type; import only its SIMD loops so that "Tensor" always means ours.
global using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

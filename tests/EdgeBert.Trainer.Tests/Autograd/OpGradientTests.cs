using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Autograd;

/// <summary>Every operation's backward against central finite differences (see <see cref="GradCheck"/>).</summary>
[TestFixture(1)]
[TestFixture(4)]
public sealed class OpGradientTests(int threads) : ThreadsFixture(threads)
{
    [Test]
    public void Linear()
    {
        GradCheck.Check("Linear", 1, t => Ops.Linear(t[0], t[1], t[2]),
            [Rand([2, 3, 5], 11), Rand([4, 5], 12), Rand([4], 13)]);
        GradCheck.Check("Linear(no bias)", 2, t => Ops.Linear(t[0], t[1]), [Rand([3, 6], 14), Rand([2, 6], 15)]);
    }

    [TestCase(false, false)]
    [TestCase(false, true)]
    [TestCase(true, false)]
    [TestCase(true, true)]
    public void MatMul2D(bool transA, bool transB)
    {
        int[] aShape = transA ? [4, 3] : [3, 4];
        int[] bShape = transB ? [5, 4] : [4, 5];
        GradCheck.Check($"MatMul transA={transA} transB={transB}", 3, t => Ops.MatMul(t[0], t[1], transA, transB),
            [Rand(aShape, 21), Rand(bShape, 22)]);
    }

    [TestCase(false, true)]
    [TestCase(false, false)]
    [TestCase(true, false)]
    public void BatchedMatMul(bool transA, bool transB)
    {
        int[] aShape = transA ? [2, 2, 3, 4] : [2, 2, 4, 3];
        int[] bShape = transB ? [2, 2, 5, 3] : [2, 2, 3, 5];
        GradCheck.Check($"BatchedMatMul transA={transA} transB={transB}", 4, t => Ops.MatMul(t[0], t[1], transA, transB),
            [Rand(aShape, 31), Rand(bShape, 32)]);
    }

    [Test]
    public void AddSubMulScale()
    {
        GradCheck.Check("Add", 5, t => Ops.Add(t[0], t[1]), [Rand([2, 3, 4], 41), Rand([2, 3, 4], 42)]);
        GradCheck.Check("Add(bias row)", 6, t => Ops.Add(t[0], t[1]), [Rand([2, 3, 4], 43), Rand([4], 44)]);
        GradCheck.Check("Add([L,H] onto [B,L,H])", 7, t => Ops.Add(t[0], t[1]), [Rand([2, 3, 4], 45), Rand([3, 4], 46)]);
        GradCheck.Check("Sub(bias row)", 8, t => Ops.Sub(t[0], t[1]), [Rand([3, 4], 47), Rand([4], 48)]);
        GradCheck.Check("Mul", 9, t => Ops.Mul(t[0], t[1]), [Rand([2, 5], 49), Rand([2, 5], 50)]);
        GradCheck.Check("Mul(row)", 10, t => Ops.Mul(t[0], t[1]), [Rand([3, 5], 51), Rand([5], 52)]);
        GradCheck.Check("Scale", 11, t => Ops.Scale(t[0], -1.75f), [Rand([2, 3], 53)]);
        GradCheck.Check("Mul(self)", 12, t => Ops.Mul(t[0], t[0]), [Rand([6], 54)]);
    }

    [Test]
    public void ShapeOps()
    {
        GradCheck.Check("Reshape", 13, t => Ops.Mul(Ops.Reshape(t[0], 3, -1), t[1]), [Rand([2, 6], 61), Rand([3, 4], 62)]);
        GradCheck.Check("Permute", 14, t => Ops.Permute(t[0], 2, 0, 3, 1), [Rand([2, 3, 4, 2], 63)]);
        GradCheck.Check("Transpose", 15, t => Ops.Transpose(t[0], -1, 0), [Rand([3, 2, 4], 64)]);
        GradCheck.Check("SplitHeads", 16, t => Ops.SplitHeads(t[0], 2), [Rand([2, 3, 4], 65)]);
        GradCheck.Check("MergeHeads", 17, t => Ops.MergeHeads(t[0]), [Rand([2, 2, 3, 2], 66)]);
    }

    [Test]
    public void Reductions()
    {
        GradCheck.Check("Sum", 18, t => Ops.Sum(Ops.Mul(t[0], t[0])), [Rand([3, 4], 71)]);
        GradCheck.Check("Mean", 19, t => Ops.Mean(Ops.Mul(t[0], t[0])), [Rand([2, 2, 3], 72)]);
        GradCheck.Check("FrobeniusNorm", 20, t => Ops.FrobeniusNorm(t[0]), [Rand([3, 5], 73)]);
    }

    [Test]
    public void Embedding()
    {
        // Repeated ids (2 and 0 twice) check that the scatter-add sums contributions.
        int[] ids = [2, 0, 4, 2, 1, 0];
        GradCheck.Check("Embedding", 21, t => Ops.Embedding(t[0], ids, [2, 3]), [Rand([5, 4], 81)]);
        // The [CLS] rows (0 and L = 3) of hidden states [2, 3, 4] flattened to [6, 4].
        GradCheck.Check("GatherRows", 34, t => Ops.GatherRows(Ops.Reshape(t[0], 6, 4), [0, 3]), [Rand([2, 3, 4], 82)]);
    }

    [Test]
    public void LayerNorm()
    {
        GradCheck.Check("LayerNorm", 22, t => Ops.LayerNorm(t[0], t[1], t[2], 1e-5f),
            [Rand([2, 3, 6], 91), Rand([6], 92), Rand([6], 93)], eps: 1e-3f);
    }

    [Test]
    public void Activations()
    {
        GradCheck.Check("Gelu", 23, t => Ops.Gelu(t[0]), [Tensor.RandomUniform([3, 7], new Random(101), -3f, 3f, true)]);
        GradCheck.Check("Tanh", 24, t => Ops.Tanh(t[0]), [Tensor.RandomUniform([3, 7], new Random(102), -2f, 2f, true)]);
        // ReLU has a kink at 0: keep every value at least 0.1 away so ±eps never crosses it.
        var x = Rand([4, 5], 103);
        for (int i = 0; i < x.Length; i++) x.Data[i] = x.Data[i] >= 0 ? 0.1f + x.Data[i] : -0.1f + x.Data[i];
        GradCheck.Check("Relu", 25, t => Ops.Relu(t[0]), [x]);
    }

    [Test]
    public void Softmax()
    {
        GradCheck.Check("Softmax", 26, t => Ops.Softmax(t[0]), [Rand([2, 3, 5], 111)]);
        var mask = new Tensor([0f, 0f, 0f, -10000f, -10000f, 0f, -1f, 0f, 0f, 0f], [2, 1, 1, 5]);
        GradCheck.Check("Softmax(mask [2,1,1,5])", 27, t => Ops.Softmax(t[0], mask), [Rand([2, 2, 3, 5], 112)]);
    }

    [Test]
    public void Dropout()
    {
        // The same seed reproduces the mask for every finite-difference evaluation.
        GradCheck.Check("Dropout", 28, t => Ops.Dropout(t[0], 0.3f, new Random(5)), [Rand([4, 6], 121)]);
    }

    [Test]
    public void Losses()
    {
        int[] labels = [1, 0, Ops.IgnoreIndex, 3];
        GradCheck.Check("CrossEntropy", 29, t => Ops.CrossEntropy(t[0], labels), [Rand([4, 4], 131)]);
        var teacher = Ops.Softmax(Rand([2, 3, 4], 132, requiresGrad: false));
        GradCheck.Check("SoftCrossEntropy", 30, t => Ops.SoftCrossEntropy(t[0], teacher), [Rand([2, 3, 4], 133)]);
        var teacherWithGrad = new Tensor((float[])teacher.Data.Clone(), [2, 3, 4], requiresGrad: true);
        GradCheck.Check("SoftCrossEntropy(teacher grad)", 31, t => Ops.SoftCrossEntropy(t[0], t[1]), [Rand([2, 3, 4], 134), teacherWithGrad]);
        GradCheck.Check("Mse", 32, t => Ops.Mse(t[0], t[1]), [Rand([3, 4], 135), Rand([3, 4], 136)]);
    }

    [Test]
    public void CustomOp()
    {
        var cube = new CustomOp("Cube",
            inputs => new CustomResult(inputs[0].Data.Select(v => v * v * v).ToArray(), inputs[0].ShapeArray()),
            ctx =>
            {
                Span<float> dx = ctx.InputGrad(0);
                ReadOnlySpan<float> g = ctx.OutputGrad;
                float[] x = ctx.Inputs[0].Data;
                for (int i = 0; i < dx.Length; i++) dx[i] += 3 * x[i] * x[i] * g[i];
            });
        GradCheck.Check("CustomOp(cube)", 33, t => cube.Apply(t[0]), [Rand([3, 4], 141)]);
    }
}
